/**
 * `npm start`: the whole system on one machine. DynamoDB Local (data under OUTBOUND_DATA_DIR, or in
 * memory), the API through the same Lambda handlers, a "dev" customer and an operator key, and the
 * console (built here, in well under a second) at `/`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { dynamoDeps } from '#adapters/dynamodb/deps.ts';
import { DynamoEngineStore } from '#adapters/dynamodb/engine-store.ts';
import { buildTwilioProvider, credentialsFromEnv } from '#adapters/telephony/twilio/build-twilio-provider.ts';
import { ensureCustomerWithKey } from '#services/customers.ts';
import { claimsPerTickFor } from '#services/engine/engine-deps.ts';
import { config, type SimulatorConfig } from '#shared/config.ts';
import { buildConsole } from '../../console/build.ts';
import { startApiServer } from './api-server.ts';
import { consoleSite } from './console-site.ts';
import { ensureTable, JavaNotFound, startDynamoLocal } from './dynamodb-local.ts';
import { LocalEngine, timerScheduler } from './engine-runtime.ts';
import { LocalEvents } from './events-runtime.ts';
import { ensureSimulatedAgents } from './simulated-agents.ts';

const env = process.env;
const port = Number(env.PORT ?? 3000);
const inMemory = env.OUTBOUND_IN_MEMORY === '1';
const dataDir = resolve(env.OUTBOUND_DATA_DIR ?? '.data');
const tableName = env.TABLE_NAME ?? 'outbound';
const tickIntervalMs = Number(env.TICK_INTERVAL_MS ?? 1000);

const span = (r: { min: number; max: number }) => (r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`);
const describeSimulator = (sim: SimulatorConfig, seed: number) => {
  const outcomes = sim.answerRates
    ? `${sim.answerRates.liveAnswerRate * 100}% people, ${sim.answerRates.machineRate * 100}% machines`
    : 'by last digit';
  return `${outcomes}, ring ${span(sim.ringMs)} ms, talk ${span(sim.talkMs)} ms, seed ${seed} (SIM_SEED)`;
};

interface SavedKeys {
  devAccesskey: string;
  adminKey: string;
}

/** Keys from the environment, else from the data dir, else new ones (saved unless in memory). */
const loadKeys = (): SavedKeys => {
  const file = resolve(dataDir, 'keys.json');
  const saved: Partial<SavedKeys> =
    !inMemory && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const keys = {
    devAccesskey: env.OUTBOUND_DEV_ACCESSKEY ?? saved.devAccesskey ?? cryptoIds.token(),
    adminKey: env.OUTBOUND_ADMIN_KEY ?? saved.adminKey ?? cryptoIds.token(),
  };
  if (!inMemory) writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return keys;
};

const main = async () => {
  if (!inMemory) mkdirSync(resolve(dataDir, 'dynamodb'), { recursive: true });
  const keys = loadKeys();
  // In memory, the data lives in Java's heap and goes with it: a Ctrl-C reaches Java, npm and tsx too,
  // and this process may end before it could remove a database file in RAM.
  const dynamo = await startDynamoLocal(inMemory ? { heap: true } : { path: resolve(dataDir, 'dynamodb') });
  let closing = false;
  const shutdown = async (api?: { close(): Promise<void> }) => {
    if (closing) return;
    closing = true;
    console.log('\nstopping…');
    // A part that hangs on the way down must not keep the process (or Java) alive.
    setTimeout(() => process.exit(0), 5000).unref();
    await api?.close().catch((err: unknown) => console.error(err));
    await dynamo.stop();
    process.exit(0);
  };
  // `on`, not `once`: a second Ctrl-C (or a signal relayed by npm/tsx as well) must not kill the
  // process before shutdown has stopped DynamoDB Local; shutdown itself runs only once.
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  try {
    await ensureTable(dynamo.endpoint, tableName);
    Object.assign(env, {
      TABLE_NAME: tableName,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      OUTBOUND_RUNTIME: 'local',
      OUTBOUND_ADMIN_KEY: keys.adminKey,
    });
    const ddb = createDocumentClient(dynamo.endpoint);
    const deps = dynamoDeps(ddb, tableName, { runtime: 'local' });
    const devCustomerId = await ensureCustomerWithKey(deps, 'dev', keys.devAccesskey);
    // TELEPHONY_PROVIDER=twilio: real calls with the TWILIO_* env; Twilio must reach PUBLIC_BASE_URL.
    const cfg = config();
    const sim = cfg.simulator;
    const simulatorSeed = sim.seed ?? Math.floor(Math.random() * 2 ** 31);
    const simulated =
      sim.agents !== undefined ? await ensureSimulatedAgents(deps, devCustomerId, sim.agents) : undefined;
    const twilio =
      cfg.telephonyProvider === 'twilio'
        ? buildTwilioProvider({
            credentials: credentialsFromEnv(cfg.twilio),
            baseUrl: cfg.twilio.apiBaseUrl,
            cps: cfg.twilio.cps,
            ddb,
            tableName,
            store: new DynamoEngineStore(ddb, tableName),
            clock: deps.clock,
          })
        : undefined;
    const engine = await LocalEngine.start({
      deps,
      ddb,
      tableName,
      scheduler: timerScheduler,
      simulatorSecret: cryptoIds.token(),
      publicBaseUrl: cfg.publicBaseUrl ?? `http://127.0.0.1:${port}`,
      ringMs: sim.ringMs,
      talkMs: sim.talkMs,
      simulatorSeed,
      ...(sim.answerRates ? { answerRates: sim.answerRates } : {}),
      ...(twilio ? { provider: twilio } : {}),
      ...(inMemory ? {} : { queueDir: resolve(dataDir, 'dial-queue') }),
    });
    // The console is a convenience: a failed build is reported and the API still starts.
    const site = await buildConsole().then(
      (built) => consoleSite(built.dir),
      (err: unknown) => {
        console.error('console: build failed, serving the API only:', err);
        return undefined;
      },
    );
    const api = await startApiServer({
      deps,
      adminKeyHash: cryptoIds.hash(keys.adminKey),
      port,
      host: env.HOST ?? '127.0.0.1',
      extraHandlers: [engine.webhookMount],
      ...(site ? { site } : {}),
    });
    engine.deps.settings.publicBaseUrl = cfg.publicBaseUrl ?? `http://127.0.0.1:${api.port}`;
    if (twilio) engine.deps.settings.claimsPerTick = claimsPerTickFor(cfg.twilio.cps, tickIntervalMs);
    engine.startLoops(tickIntervalMs, (err) => console.error('engine:', err));
    // Webhooks: the table's stream → webhook queue → signed POSTs to each customer's webhook_uri.
    // With a data dir, the stream position, the queued deliveries and the dead letters are kept there,
    // so a restart (after Ctrl-C or a crash) delivers what was committed while nothing was reading.
    const events = await LocalEvents.start({
      ddb,
      endpoint: dynamo.endpoint,
      tableName,
      clock: deps.clock,
      ...(inMemory ? {} : { stateDir: dataDir }),
    });
    events.startLoops((err) => console.error('webhooks:', err));
    const stopAll = {
      close: async () => {
        await api.close();
        await engine.stop();
        await events.stop();
      },
    };
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
    process.on('SIGINT', () => void shutdown(stopAll));
    process.on('SIGTERM', () => void shutdown(stopAll));
    console.log(
      `Outbound is running (DynamoDB Local at ${dynamo.endpoint}, data ${inMemory ? 'in memory' : dataDir}).`,
    );
    console.log(`  access key (customer "dev"): ${keys.devAccesskey}`);
    console.log(`  operator key:                ${keys.adminKey}`);
    console.log(
      `  try: curl -H "Authorization: Bearer ${keys.devAccesskey}" http://localhost:${api.port}/v1.0/campaigns`,
    );
    if (twilio) {
      console.log(
        `  Twilio status callbacks:     ${engine.deps.settings.publicBaseUrl}/v1.0/providers/twilio/events`,
      );
    }
    if (!twilio) console.log(`  simulator:                   ${describeSimulator(sim, simulatorSeed)}`);
    if (simulated)
      console.log(
        `  simulated agents:            ${simulated.agents} on queue ${simulated.queueId} (SIM_AGENTS; set it as a campaign's queue_id)`,
      );
    console.log('Press Ctrl-C to stop.');
    console.log(`API:     http://localhost:${api.port}/v1.0`);
    // The key rides in the fragment, which the browser never sends; the console moves it to the tab's
    // sessionStorage and out of the address bar.
    if (site)
      console.log(
        `Console: http://localhost:${api.port}/#accesskey=${encodeURIComponent(keys.devAccesskey)}`,
      );
  } catch (err) {
    console.error(err);
    await dynamo.stop();
    process.exit(1);
  }
};

// A missing prerequisite is one line that says what to do, not a stack trace.
void main().catch((err: unknown) => {
  console.error(err instanceof JavaNotFound ? err.message : err);
  process.exit(1);
});

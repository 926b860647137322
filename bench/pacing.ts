/**
 * `npm run bench:pacing [-- <seed> [<seed> …]]`: the three queue-paced modes side by side on the
 * seeded pacing simulation (bench/pacing-sim.ts; a fake clock, no DynamoDB), for 5, 20 and 100 agents
 * at live-answer rates of 20 %, 35 % and 60 % (10 % machines, ring 5–25 s, no answer rings to the 30 s
 * timeout, talk 90–180 s uniform, wrap-up 10 s, abandoned after 2 s, a tick every 5 s as in AWS), one
 * measured hour per run after 10 minutes of warm-up, and where the agents' time went. With several seeds each figure is the mean over them, and the abandon
 * column shows the worst run. Then it checks the goals: predictive ≥ 50 talk minutes per agent-hour
 * at 20 agents and 35 %, predictive abandon ≤ 3 % in every run, progressive abandon 0.
 */
import { DEFAULT_DISTRIBUTIONS } from '#adapters/telephony/simulator/call-distributions.ts';
import { type PacingSimResult, type SimMode, simulatePacing } from './pacing-sim.ts';

const seeds = process.argv.slice(2).map(Number);
if (seeds.length === 0) seeds.push(Number(process.env.PACING_SEED ?? 20261207));
if (seeds.some((s) => !Number.isInteger(s))) throw new Error('seeds are integers');

const teams = [5, 20, 100];
const answerRates = [0.2, 0.35, 0.6];
const modes: SimMode[] = ['service_level', 'progressive', 'predictive'];
const MAX_ABANDON = 0.03;

interface Cell {
  talk: number;
  abandonMean: number;
  abandonWorst: number;
  calls: number;
  wait: number;
  p90: number;
  runs: PacingSimResult[];
}

const started = performance.now();
const cells = new Map<string, Cell>();
for (const agents of teams) {
  for (const live of answerRates) {
    for (const mode of modes) {
      const runs = seeds.map((seed) =>
        simulatePacing({
          mode,
          agents,
          seed,
          distributions: { ...DEFAULT_DISTRIBUTIONS, liveAnswerRate: live },
        }),
      );
      const mean = (f: (r: PacingSimResult) => number) => runs.reduce((s, r) => s + f(r), 0) / runs.length;
      cells.set(`${agents}/${live}/${mode}`, {
        talk: mean((r) => r.talkMinutesPerAgentHour),
        abandonMean: mean((r) => r.abandonRate),
        abandonWorst: Math.max(...runs.map((r) => r.abandonRate)),
        calls: mean((r) => r.callsPerAgentHour),
        wait: mean((r) => r.meanWaitMs),
        p90: mean((r) => r.p90WaitMs),
        runs,
      });
    }
  }
}
const elapsed = performance.now() - started;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const secs = (ms: number) => (ms / 1000).toFixed(2);
const modeHeads = ['service_level 100', 'progressive', 'predictive'];
const sub = 'talk  aband  calls  wait/p90 s ';
console.log(
  `pacing simulation: seeds ${seeds.join(', ')}; ${teams.length * answerRates.length * modes.length * seeds.length} runs of 1 h (after 10 min warm-up) in ${(elapsed / 1000).toFixed(1)} s`,
);
console.log(
  'talk: talk minutes per agent-hour; aband: abandoned / answered by a person (worst seed); calls: calls placed per agent-hour; wait: mean / p90 wait of a person for an agent',
);
console.log('');
const w = sub.length;
console.log(`${'agents live'.padEnd(12)}| ${modeHeads.map((h) => h.padEnd(w)).join(' | ')}`);
console.log(`${''.padEnd(12)}| ${modeHeads.map(() => sub).join(' | ')}`);
console.log(`${'-'.repeat(12)}|${modeHeads.map(() => '-'.repeat(w + 2)).join('|')}`);
for (const agents of teams) {
  for (const live of answerRates) {
    const row = modes.map((mode) => {
      const c = cells.get(`${agents}/${live}/${mode}`)!;
      return [
        c.talk.toFixed(1).padStart(4),
        pct(c.abandonWorst).padStart(6),
        c.calls.toFixed(0).padStart(5),
        `${secs(c.wait)}/${secs(c.p90)}`.padStart(11),
      ].join(' ');
    });
    console.log(`${String(agents).padStart(4)} ${`${live * 100}%`.padStart(6)} | ${row.join(' | ')}`);
  }
}

// Where the agents' hour went, predictive against progressive (means over the seeds).
console.log('');
console.log(
  "where the agents' hour went, minutes per agent-hour: talk / wrap-up / wrap-up over, waiting for a tick / idle while calls rang / idle with none ringing; calls ringing on average (bound)",
);
for (const mode of ['progressive', 'predictive'] as const) {
  for (const agents of teams) {
    const parts = answerRates.map((live) => {
      const { runs } = cells.get(`${agents}/${live}/${mode}`)!;
      const m = (f: (r: PacingSimResult) => number) =>
        (runs.reduce((s, r) => s + f(r), 0) / runs.length).toFixed(1);
      const u = (k: keyof PacingSimResult['timeUse']) => m((r) => r.timeUse[k]);
      return `${`${live * 100}%`.padStart(3)} ${u('talk')}/${u('wrapup')}/${u('wrapupOverdue')}/${u('idleRinging')}/${u('idleNothingRinging')} ring ${u('meanRinging')} (${u('meanBound')})`;
    });
    console.log(`${mode.padEnd(11)} ${String(agents).padStart(3)} | ${parts.join(' | ')}`);
  }
}

{
  const runs = [...cells].filter(([k]) => k.endsWith('/predictive')).flatMap(([, c]) => c.runs);
  const all = runs.reduce((n, r) => n + r.abandoned, 0);
  const due = runs.reduce((n, r) => n + r.abandonedWithAgentDue, 0);
  console.log(
    `predictive abandons: ${all}, of which ${due} while an agent's wrap-up was over and it waited for the next tick`,
  );
}

const failures: string[] = [];
for (const [key, c] of cells) {
  const [agents, live, mode] = key.split('/');
  c.runs.forEach((r, i) => {
    if (mode === 'predictive' && r.abandonRate > MAX_ABANDON)
      failures.push(`predictive ${agents} agents ${live}: abandon ${pct(r.abandonRate)} (seed ${seeds[i]})`);
    if (mode === 'progressive' && r.abandoned > 0)
      failures.push(`progressive ${agents} agents ${live}: ${r.abandoned} abandoned (seed ${seeds[i]})`);
  });
}
const goal = cells.get('20/0.35/predictive')!;
for (const [i, r] of goal.runs.entries())
  if (r.talkMinutesPerAgentHour < 50)
    failures.push(
      `predictive 20 agents 0.35: ${r.talkMinutesPerAgentHour.toFixed(1)} talk min/agent-hour (seed ${seeds[i]})`,
    );
console.log('');
console.log(failures.length === 0 ? 'goals: all met' : `goals missed:\n  ${failures.join('\n  ')}`);

/**
 * Given/when/then steps for engine tests on a started TestSystem: campaigns, outplans, lists, queues and
 * agents made through the API; the engine moved by hand (tick, dialer, simulated time); results read
 * back through the API, and the engine's own counters from the store.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { lineKey } from '#adapters/dynamodb/keys.ts';
import {
  SIMULATOR_SIGNATURE_HEADER,
  signSimulatorRequest,
} from '#adapters/telephony/simulator/simulator-provider.ts';
import type { PlaceCallOutcome, PlaceCallRequest } from '#ports/telephony.ts';
import { aCampaign, anAgent, anOutdial, anOutplan, aQueue } from './factories/bodies.ts';
import { allPages, type Reply } from './local-api.ts';
import type { TestSystem } from './system.ts';

export type Outcome = 'answer' | 'busy' | 'noanswer' | 'failed' | 'machine';

const DIGIT: Record<Outcome, string> = { answer: '5', busy: '1', noanswer: '2', failed: '3', machine: '4' };

let serial = 0;

/** A fresh E.164 number whose last digit makes the simulator produce `outcome` (§5 of the contracts). */
export const phone = (outcome: Outcome) =>
  `+1555${String(++serial % 1_000_000).padStart(6, '0')}${DIGIT[outcome]}`;

/** What the simulator does with a number: 1 busy, 2 no answer, 3 failed, 4 machine, anything else answers. */
export const outcomeOf = (number: string): Outcome =>
  (({ '1': 'busy', '2': 'noanswer', '3': 'failed', '4': 'machine' }) as Record<string, Outcome>)[
    number.at(-1) ?? ''
  ] ?? 'answer';

/** One target: its destination_0 number, or destination_0…4 in order (null leaves a slot empty). */
export type TargetSpec = string | (string | null)[];

export interface CampaignHandle {
  id: string;
  outplanId: string;
  outdialId: string;
  queueId: string;
  outplan: Record<string, any>;
  targets: { id: string; destinations: (string | null)[] }[];
}

export interface CampaignOptions {
  targets?: TargetSpec[];
  outplan?: Record<string, unknown>;
  campaign?: Record<string, unknown>;
  /** The campaign's cap on open attempts without a queue (an internal attribute, set in the store). */
  maxConcurrentCalls?: number;
  /** Creates a queue with these tags and paces the campaign by it. */
  queueTags?: string[];
  /** Puts the campaign in `run` (default true). */
  run?: boolean;
}

const ok = (res: Reply, what: string) => {
  if (res.status !== 200) throw new Error(`${what} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};

const OPEN = new Set(['dialing', 'progressing']);
export const isOpen = (call: { status: string }) => OPEN.has(call.status);

export const engineSteps = (sys: TestSystem) => {
  const c = sys.customer;

  const pages = (path: string) => allPages(c, path);

  const read = {
    campaign: async (id: string) => ok(await c.get(`/campaigns/${id}`), 'GET campaign'),
    status: async (id: string): Promise<string> => (await read.campaign(id)).status,
    /** The engine's counters of a campaign, as the store keeps them. */
    counters: async (id: string) => {
      const totals = await sys.engine.deps.campaigns.runtimeTotals(id);
      return { inflight: totals._inflight ?? 0, dialing: totals._dialing ?? 0 };
    },
    calls: (campaignId: string) => pages(`/campaigns/${campaignId}/campaigncalls`),
    call: async (id: string) => ok(await c.get(`/campaigncalls/${id}`), 'GET campaigncall'),
    targets: (outdialId: string) => pages(`/outdials/${outdialId}/targets`),
    target: async (outdialId: string, id: string) =>
      ok(await c.get(`/outdials/${outdialId}/targets/${id}`), 'GET target'),
    openCalls: async (campaignId: string) => (await read.calls(campaignId)).filter(isOpen),
    /** The attempt holding a destination's line (see lineKey), read from the store. */
    lineHolder: async (destination: { type: string; target: string }): Promise<string | undefined> =>
      (
        await sys.ddb.send(
          new GetCommand({ TableName: sys.tableName, Key: lineKey(c.customerId, destination) }),
        )
      ).Item?._open_cc,
  };

  const given = {
    outplan: async (overrides: Record<string, unknown> = {}) =>
      ok(await c.post('/outplans', anOutplan(overrides)), 'POST outplan'),

    /** Adds targets to a list in batches of 100, so they are created (and dialled) in the order given. */
    targets: async (outdialId: string, specs: TargetSpec[]) => {
      const made: CampaignHandle['targets'] = [];
      for (let i = 0; i < specs.length; i += 100) {
        const chunk = specs.slice(i, i + 100);
        const bodies = chunk.map((spec, n) => {
          const destinations = typeof spec === 'string' ? [spec] : spec;
          const body: Record<string, unknown> = { name: `t${i + n}`, detail: '', data: '' };
          destinations.forEach((d, slot) => {
            if (d) body[`destination_${slot}`] = { type: 'tel', target: d };
          });
          return { body, destinations };
        });
        const created = ok(
          await c.post(`/outdials/${outdialId}/targets/batch`, { targets: bodies.map((b) => b.body) }),
          'POST targets/batch',
        );
        made.push(
          ...created.result.map((t: { id: string }, n: number) => ({
            id: t.id,
            destinations: bodies[n]!.destinations,
          })),
        );
      }
      return made;
    },

    queue: async (tagIds: string[]) =>
      ok(await c.post('/queues', aQueue({ tag_ids: tagIds })), 'POST queue').id as string,

    agents: async (n: number, status: string, tagIds: string[]) =>
      Promise.all(
        Array.from(
          { length: n },
          async () =>
            ok(await c.post('/agents', anAgent({ status, tag_ids: tagIds })), 'POST agent').id as string,
        ),
      ),

    /** A campaign (running unless `run: false`) over a fresh outplan and a fresh list of `targets`. */
    campaign: async (o: CampaignOptions = {}): Promise<CampaignHandle> => {
      const outplan = await given.outplan(o.outplan);
      const outdial = ok(await c.post('/outdials', anOutdial()), 'POST outdial');
      const targets = await given.targets(outdial.id, o.targets ?? []);
      const queueId = o.queueTags ? await given.queue(o.queueTags) : undefined;
      const campaign = ok(
        await c.post(
          '/campaigns',
          aCampaign({
            outplan_id: outplan.id,
            outdial_id: outdial.id,
            ...(queueId ? { queue_id: queueId } : {}),
            ...o.campaign,
          }),
        ),
        'POST campaign',
      );
      if (o.maxConcurrentCalls !== undefined) {
        await sys.engine.deps.resources.update(
          'campaign',
          campaign.id,
          { customerId: c.customerId },
          { max_concurrent_calls: o.maxConcurrentCalls },
        );
      }
      if (o.run ?? true) {
        const res = await when.statusIsSet(campaign.id, 'run');
        expect(res.body.status).toBe('run');
      }
      return {
        id: campaign.id,
        outplanId: outplan.id,
        outdialId: outdial.id,
        queueId: campaign.queue_id,
        outplan,
        targets,
      };
    },
  };

  const eventsUrl = (cc?: string) =>
    `${sys.engine.deps.settings.publicBaseUrl}/v1.0/providers/simulator/events${cc ? `?cc=${cc}` : ''}`;

  const when = {
    theTickRuns: () => sys.engine.tick(),
    theDialerRuns: () => sys.engine.drain(),
    timePasses: (ms: number) => sys.scheduler.advance(ms),
    /** Tick, place every queued call, then let `ms` of call time pass. */
    aRound: (ms: number) => sys.round(ms),
    statusIsSet: (id: string, status: string) => c.put(`/campaigns/${id}/status`, { status }),
    agentIs: async (agentId: string, status: string) =>
      ok(await c.put(`/agents/${agentId}/status`, { status }), 'PUT agent status'),
    /** Rounds of `roundMs` until `done` holds; fails the test after `maxRounds`. */
    roundsUntil: async (done: () => Promise<boolean>, roundMs: number, maxRounds: number) => {
      for (let i = 0; i < maxRounds; i++) {
        await sys.round(roundMs);
        if (await done()) return i + 1;
      }
      throw new Error(`condition not reached after ${maxRounds} rounds`);
    },
    runsToTheEnd: (campaignId: string, roundMs = 5_000, maxRounds = 200) =>
      when.roundsUntil(async () => (await read.status(campaignId)) === 'stop', roundMs, maxRounds),

    /**
     * Posts one simulator event to the provider webhook route as the carrier would, signed with the
     * system's secret unless told otherwise (`signature: null` sends none).
     */
    theProviderPosts: async (
      cc: string | undefined,
      event: { callId: string; kind: string; reason?: string; sequence: number },
      opts: { secret?: string; signature?: string | null; signedUrl?: string; rawBody?: string } = {},
    ) => {
      const url = eventsUrl(cc);
      const body = opts.rawBody ?? JSON.stringify({ ...event, at: new Date(sys.clock.peek()).toISOString() });
      const signature =
        opts.signature === null
          ? undefined
          : (opts.signature ??
            signSimulatorRequest(opts.secret ?? sys.simulatorSecret, opts.signedUrl ?? url, body));
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(signature ? { [SIMULATOR_SIGNATURE_HEADER]: signature } : {}),
        },
        body,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
  };

  return { given, when, read };
};

/**
 * Counts provider placements per attempt by wrapping the system's provider; `refuse` can answer a
 * placement instead of the provider (the call is then not placed).
 */
export const countPlacements = (
  sys: TestSystem,
  refuse?: (req: PlaceCallRequest, n: number) => PlaceCallOutcome | undefined,
) => {
  const provider = sys.engine.deps.provider;
  const original = provider.placeCall.bind(provider);
  const requests = new Map<string, number>();
  const placed = new Map<string, number>();
  provider.placeCall = async (req) => {
    const n = (requests.get(req.idempotencyKey) ?? 0) + 1;
    requests.set(req.idempotencyKey, n);
    const refusal = refuse?.(req, n);
    if (refusal) return refusal;
    placed.set(req.idempotencyKey, (placed.get(req.idempotencyKey) ?? 0) + 1);
    return original(req);
  };
  return {
    /** Calls actually placed, per campaigncall id. */
    placed,
    /** Every placeCall request, refused or not, per campaigncall id. */
    requests,
    total: () => [...placed.values()].reduce((a, b) => a + b, 0),
    restore: () => {
      provider.placeCall = original;
    },
  };
};

/**
 * The engine's bookkeeping invariants for one campaign, read through the API and the store: at most one
 * open attempt per target and a target is progressing exactly while it has one; try counts within the
 * outplan's maxima and equal to the attempts made on each slot (numbered 1…n); counters equal to the open
 * attempts; a stopped campaign has nothing in flight; each open attempt holds its destination's line.
 */
export const expectEngineInvariants = async (
  sys: TestSystem,
  h: Pick<CampaignHandle, 'id' | 'outdialId' | 'outplan'>,
) => {
  const { read } = engineSteps(sys);
  const [campaign, calls, targets, counters] = await Promise.all([
    read.campaign(h.id),
    read.calls(h.id),
    read.targets(h.outdialId),
    read.counters(h.id),
  ]);
  const open = calls.filter(isOpen);
  for (const t of targets) {
    const mine = calls.filter((x) => x.outdial_target_id === t.id);
    const openOfTarget = mine.filter(isOpen);
    expect(openOfTarget.length, `open attempts of target ${t.id}`).toBeLessThanOrEqual(1);
    expect(t.status === 'progressing', `target ${t.id} progressing iff it has an open attempt`).toBe(
      openOfTarget.length === 1,
    );
    if (t.status === 'done') {
      expect(
        mine.filter((x) => x.result === 'success'),
        `success of done target ${t.id}`,
      ).toHaveLength(1);
    }
    for (let n = 0; n < 5; n++) {
      const tries = t[`try_count_${n}`];
      expect(tries, `try_count_${n} of ${t.id}`).toBeLessThanOrEqual(h.outplan[`max_try_count_${n}`]);
      const onSlot = mine
        .filter((x) => x.destination_index === n)
        .map((x) => x.try_count)
        .sort((a, b) => a - b);
      expect(onSlot, `attempts on slot ${n} of ${t.id}`).toEqual(
        Array.from({ length: tries }, (_, i) => i + 1),
      );
    }
  }
  expect(counters, 'campaign counters').toEqual({
    inflight: open.length,
    dialing: open.filter((x) => x.status === 'dialing').length,
  });
  if (campaign.status === 'stop') expect(open, 'open attempts of a stopped campaign').toEqual([]);
  // A destination's line is held exactly by the open attempt calling it, and never by a closed one.
  for (const x of calls) {
    const holder = await read.lineHolder(x.destination);
    if (isOpen(x)) expect(holder, `line of open attempt ${x.id}`).toBe(x.id);
    else expect(holder, `line of closed attempt ${x.id}`).not.toBe(x.id);
  }
  for (const x of calls) {
    expect(x.status === 'done' ? ['success', 'fail'] : [''], `result of ${x.id}`).toContain(x.result);
  }
  return { campaign, calls, targets };
};

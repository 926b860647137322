/**
 * The tick reads every active campaign in a few batched requests and leases only those with something
 * to do. A campaign without room is neither leased nor asked for targets, yet claims as soon as a call
 * ends; its open attempts are read only once one can be past its ring deadline; what the tick reads
 * once for all campaigns (the outplans) is read again by the next tick; and one campaign's failure
 * fails the tick only after every other campaign has had its turn.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { engineSteps, phone } from '../support/engine-steps.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let sys: TestSystem;
afterEach(() => sys.close());

const answering = (n: number) => Array.from({ length: n }, () => phone('answer'));

/** Counts the store calls of the given names, per campaign id when the first argument is one. */
const countStoreCalls = (names: string[]) => {
  const store = sys.engine.deps.engine as unknown as Record<string, (...args: unknown[]) => unknown>;
  const counts = new Map<string, number>();
  for (const name of names) {
    const original = store[name]!.bind(store);
    store[name] = (...args: unknown[]) => {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return original(...args);
    };
  }
  return {
    of: (name: string) => counts.get(name) ?? 0,
    reset: () => counts.clear(),
  };
};

describe('a campaign with no room', () => {
  it('is neither leased nor asked for targets, and claims again once a call ends', async () => {
    sys = await startTestSystem({ ringMs: 2_000, talkMs: 5_000 });
    const { given, when, read } = engineSteps(sys);
    const h = await given.campaign({ targets: answering(4), maxConcurrentCalls: 2 });
    const calls = countStoreCalls(['acquireLease', 'dueTargets', 'openAttempts']);

    const first = await when.theTickRuns();
    expect(first.find((r) => r.campaignId === h.id)).toMatchObject({ outcome: 'dialed', claimed: 2 });
    await when.theDialerRuns();
    await when.timePasses(1_000);

    calls.reset();
    const full = await when.theTickRuns();
    expect(full.find((r) => r.campaignId === h.id)).toMatchObject({ outcome: 'waiting', claimed: 0 });
    expect([calls.of('acquireLease'), calls.of('dueTargets'), calls.of('openAttempts')]).toEqual([0, 0, 0]);

    // Both calls answer at 2 s and hang up 5 s later: two slots free.
    await when.timePasses(7_000);
    const freed = await when.theTickRuns();
    expect(freed.find((r) => r.campaignId === h.id)).toMatchObject({ outcome: 'dialed', claimed: 2 });
    expect(await read.calls(h.id)).toHaveLength(4);
  });

  it('reads its open attempts only once one can be past the ring deadline, and then settles it', async () => {
    // The carrier never calls back: the attempts stay open until the sweeper settles them.
    sys = await startTestSystem({ deliver: async () => {} });
    const { given, when, read } = engineSteps(sys);
    const h = await given.campaign({
      targets: [phone('noanswer'), phone('noanswer')],
      maxConcurrentCalls: 1,
      outplan: { dial_timeout: 30_000, max_try_count_0: 1, max_try_count_1: 0 },
    });
    const calls = countStoreCalls(['openAttempts']);
    await when.theTickRuns();
    await when.theDialerRuns();
    const [first] = await read.calls(h.id);

    // Ring deadline: dial_timeout 30 s + 60 s grace. Ticks every 5 s until just before it.
    for (let t = 5_000; t < 90_000; t += 5_000) {
      await when.timePasses(5_000);
      await when.theTickRuns();
    }
    expect(calls.of('openAttempts'), 'open attempts read before the deadline').toBe(0);
    expect(await read.call(first.id)).toMatchObject({ status: 'dialing' });

    await when.timePasses(6_000);
    await when.theTickRuns();
    expect(calls.of('openAttempts')).toBe(1);
    expect(await read.call(first.id)).toMatchObject({ status: 'done', result: 'fail' });
  });
});

describe('the sweep mark', () => {
  it('keeps the oldest attempt still open after a sweep: a later one is settled at its own deadline', async () => {
    sys = await startTestSystem({ deliver: async () => {} });
    const { given, when, read } = engineSteps(sys);
    const h = await given.campaign({
      targets: [phone('noanswer')],
      maxConcurrentCalls: 2,
      outplan: { dial_timeout: 30_000, max_try_count_0: 1, max_try_count_1: 0 },
    });
    await when.theTickRuns();
    await when.theDialerRuns();
    // A second attempt, opened 30 s after the first.
    await when.timePasses(30_000);
    await given.targets(h.outdialId, [phone('noanswer')]);
    await when.theTickRuns();
    await when.theDialerRuns();
    const [first, second] = (await read.calls(h.id)).sort((a, b) => a.tm_create.localeCompare(b.tm_create));

    // The first is past its ring deadline (30 s + 60 s grace) at 91 s, the second at 121 s.
    await when.timePasses(61_000);
    await when.theTickRuns();
    expect(await read.call(first.id)).toMatchObject({ status: 'done' });
    expect(await read.call(second.id)).toMatchObject({ status: 'dialing' });

    await when.timePasses(30_000);
    await when.theTickRuns();
    expect(await read.call(second.id)).toMatchObject({ status: 'done', result: 'fail' });
  });
});

describe('what one tick reads for all campaigns', () => {
  it('is read again by the next tick: an outplan changed between ticks is used at once', async () => {
    sys = await startTestSystem({ ringMs: 1_000, talkMs: 1_000 });
    const { given, when, read } = engineSteps(sys);
    const h = await given.campaign({ targets: answering(2), maxConcurrentCalls: 1 });
    await when.aRound(3_000);
    const [first] = await read.calls(h.id);
    expect(first.source.target).toBe(h.outplan.source.target);

    const res = await sys.customer.put(`/outplans/${h.outplanId}/dial_info`, {
      source: { ...h.outplan.source, target: '+15550009999' },
      dial_timeout: h.outplan.dial_timeout,
      try_interval: h.outplan.try_interval,
      max_try_count_0: h.outplan.max_try_count_0,
      max_try_count_1: h.outplan.max_try_count_1,
      max_try_count_2: h.outplan.max_try_count_2,
      max_try_count_3: h.outplan.max_try_count_3,
      max_try_count_4: h.outplan.max_try_count_4,
    });
    expect(res.status).toBe(200);
    await when.aRound(3_000);

    const second = (await read.calls(h.id)).find((x) => x.id !== first.id);
    expect(second?.source.target).toBe('+15550009999');
  });
});

describe('a campaign whose tick fails', () => {
  it('fails the tick only after every other campaign has had its turn', async () => {
    sys = await startTestSystem({ ringMs: 2_000, talkMs: 5_000 });
    const { given, when, read } = engineSteps(sys);
    const broken = await given.campaign({ targets: answering(2), maxConcurrentCalls: 2 });
    const others = [
      await given.campaign({ targets: answering(2), maxConcurrentCalls: 2 }),
      await given.campaign({ targets: answering(2), maxConcurrentCalls: 2 }),
    ];
    const store = sys.engine.deps.engine;
    const dueTargets = store.dueTargets.bind(store);
    store.dueTargets = async (outdialId, ...rest) => {
      if (outdialId === broken.outdialId) throw new Error('this list cannot be read');
      return dueTargets(outdialId, ...rest);
    };

    await expect(when.theTickRuns()).rejects.toThrow('this list cannot be read');

    for (const h of others) expect(await read.calls(h.id)).toHaveLength(2);
    expect(await read.calls(broken.id)).toEqual([]);
  });
});

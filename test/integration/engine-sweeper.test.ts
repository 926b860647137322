/**
 * The sweeper (§9 reconcile), run by the tick: attempts whose provider events never arrive stay open
 * until dial_timeout + 60 s grace, are then settled from the provider's view (or closed as our own
 * timeout), and their targets go back in line within max_try_count. It never places a call again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CallState, PlaceCallOutcome, TelephonyProvider } from '#ports/telephony.ts';
import { countPlacements, engineSteps, expectEngineInvariants, phone } from '../support/engine-steps.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let sys: TestSystem;
afterEach(() => sys.close());

const GRACE = 60_000;

/** Starts a system whose provider never calls back: the simulator's events are dropped. */
const aSystemWithoutEvents = async () => {
  sys = await startTestSystem({ deliver: async () => {} });
  return engineSteps(sys);
};

/**
 * A carrier that accepts every call and then says nothing; getCall reports `phase`, or no such call
 * (null) once `forgotten`; a hangup is recorded, and throws when `hangupFails`.
 */
class SilentCarrier implements TelephonyProvider {
  readonly name = 'simulator' as const;
  phase: CallState['phase'] = 'ringing';
  forgotten = false;
  hangupFails = false;
  /** Every request fails (the carrier is down). */
  down = false;
  readonly hangups: string[] = [];
  private count = 0;
  async placeCall(): Promise<PlaceCallOutcome> {
    return { ok: true, callId: `SILENT${++this.count}`, acceptedAt: new Date(0) };
  }
  async getCall(callId: string): Promise<CallState | null> {
    if (this.down) throw new Error('carrier unreachable');
    return this.forgotten ? null : { callId, phase: this.phase };
  }
  async hangup(callId: string) {
    this.hangups.push(callId);
    if (this.hangupFails || this.down) throw new Error('carrier unreachable');
  }
  verifyWebhook() {
    return false;
  }
  parseEvent() {
    return [];
  }
}

const tickAndDial = async () => {
  await sys.engine.tick();
  await sys.engine.drain();
};

const reasonOf = async (id: string) => (await sys.engine.deps.engine.getCampaigncall(id))?._reason;

describe('attempts whose events never arrive', () => {
  it('stay dialing until dial_timeout + 60 s, then close as fail and the target is retried up to max_try_count', async () => {
    const { given, when, read } = await aSystemWithoutEvents();
    const h = await given.campaign({
      targets: [phone('noanswer')],
      outplan: { dial_timeout: 30_000, try_interval: 60_000, max_try_count_0: 2, max_try_count_1: 0 },
    });
    await tickAndDial();
    const [first] = await read.calls(h.id);

    await when.timePasses(30_000 + GRACE - 1_000);
    await sys.engine.tick();
    expect(await read.call(first.id)).toMatchObject({ status: 'dialing', result: '' });

    await when.timePasses(2_000);
    await sys.engine.tick();
    expect(await read.call(first.id)).toMatchObject({ status: 'done', result: 'fail' });
    expect(await read.target(h.outdialId, h.targets[0]!.id)).toMatchObject({
      status: 'idle',
      try_count_0: 1,
    });
    expect(await read.calls(h.id)).toHaveLength(1); // not due again before try_interval
    await expectEngineInvariants(sys, h);

    await when.timePasses(60_000);
    await tickAndDial();
    const second = (await read.calls(h.id)).find((x) => x.id !== first.id);
    expect(second).toMatchObject({ status: 'dialing', try_count: 2 });

    await when.timePasses(30_000 + GRACE + 1_000);
    await when.runsToTheEnd(h.id, 5_000, 5);

    expect(await read.target(h.outdialId, h.targets[0]!.id)).toMatchObject({ try_count_0: 2 });
    expect((await read.calls(h.id)).map((x) => [x.status, x.result])).toEqual([
      ['done', 'fail'],
      ['done', 'fail'],
    ]);
  });

  it('lets a stopping campaign stop once the sweeper closes its last silent call', async () => {
    const { given, when, read } = await aSystemWithoutEvents();
    const h = await given.campaign({ targets: [phone('noanswer')], outplan: { dial_timeout: 20_000 } });
    await tickAndDial();
    expect((await when.statusIsSet(h.id, 'stop')).body.status).toBe('stopping');

    await when.timePasses(20_000 + GRACE - 1_000);
    await sys.engine.tick();
    expect(await read.status(h.id)).toBe('stopping');
    await when.timePasses(2_000);
    await sys.engine.tick();

    expect(await read.status(h.id)).toBe('stop');
    expect(await read.calls(h.id)).toHaveLength(1);
  });

  it('closes an attempt whose placement outcome is unknown as our dial-out timeout, never placing it again', async () => {
    const { given, when, read } = await aSystemWithoutEvents();
    const placements = countPlacements(sys, (_, n) =>
      n === 1 ? { ok: false, kind: 'unknown', detail: 'connection reset' } : undefined,
    );
    const h = await given.campaign({
      targets: [phone('answer')],
      outplan: { dial_timeout: 30_000, try_interval: 0, max_try_count_0: 2, max_try_count_1: 0 },
    });
    await tickAndDial();
    const [first] = await read.calls(h.id);

    await when.timePasses(30_000 + GRACE + 1_000);
    await sys.engine.tick();

    expect(await read.call(first.id)).toMatchObject({ status: 'done', result: 'fail' });
    expect(await reasonOf(first.id)).toBe('dialout');
    await tickAndDial();
    const calls = await read.calls(h.id);
    expect(calls).toHaveLength(2);
    expect(placements.requests.get(first.id)).toBe(1);
    expect([...placements.requests.values()]).toEqual([1, 1]);
  });
});

describe('attempts still waiting for the carrier’s CPS budget', () => {
  it('are not closed at the ring deadline while their dial job is held back, and are placed once the budget allows', async () => {
    const { given, when, read } = await aSystemWithoutEvents();
    let throttling = true;
    const placements = countPlacements(sys, () =>
      throttling ? { ok: false, kind: 'throttled', retryAfterMs: 1_000 } : undefined,
    );
    const h = await given.campaign({
      targets: [phone('answer')],
      outplan: { dial_timeout: 30_000, try_interval: 0, max_try_count_0: 1, max_try_count_1: 0 },
    });
    await sys.engine.tick();
    await sys.engine.drain(); // throttled: the job goes back to the queue
    const [call] = await read.calls(h.id);

    await when.timePasses(30_000 + GRACE + 60_000);
    await sys.engine.tick();
    expect(await read.call(call.id)).toMatchObject({ status: 'dialing' });
    expect(placements.placed.size).toBe(0);

    throttling = false;
    await new Promise((r) => setTimeout(r, 1_100)); // the local queue's redelivery backoff (wall clock)
    await sys.engine.drain();
    expect(placements.placed.get(call.id)).toBe(1);
    expect((await read.call(call.id)).reference_id).toMatch(/^SIM/);
  });

  it('are closed as failed, without a call, when their dial job never comes back', async () => {
    const { given, when, read } = await aSystemWithoutEvents();
    const placements = countPlacements(sys);
    const h = await given.campaign({
      targets: [phone('answer')],
      outplan: { dial_timeout: 30_000, try_interval: 0, max_try_count_0: 1, max_try_count_1: 0 },
    });
    await sys.engine.tick(); // claimed; its dial job is never run (as if dead-lettered)
    const [call] = await read.calls(h.id);

    await when.timePasses(sys.engine.deps.settings.lostDialJobMs - 1_000);
    await sys.engine.tick();
    expect(await read.call(call.id)).toMatchObject({ status: 'dialing' });

    await when.timePasses(2_000);
    await sys.engine.tick();
    expect(await read.call(call.id)).toMatchObject({ status: 'done', result: 'fail' });
    expect(await reasonOf(call.id)).toBe('failed');
    await sys.engine.drain(); // the job turns up after all: its attempt is closed, nothing is placed
    expect(placements.total()).toBe(0);
    await sys.engine.tick();
    expect(await read.status(h.id)).toBe('stop');
  });
});

describe('calls the carrier never reports on', () => {
  it('hangs up a call still ringing past the deadline and closes it as our dial-out timeout', async () => {
    const carrier = new SilentCarrier();
    sys = await startTestSystem({ provider: carrier });
    const { given, when, read } = engineSteps(sys);
    const h = await given.campaign({ targets: [phone('answer')], outplan: { dial_timeout: 30_000 } });
    await tickAndDial();
    const [call] = await read.calls(h.id);

    await when.timePasses(30_000 + GRACE + 1_000);
    await sys.engine.tick();

    expect(await read.call(call.id)).toMatchObject({ status: 'done', result: 'fail' });
    expect(await reasonOf(call.id)).toBe('dialout');
    expect(carrier.hangups).toEqual([call.reference_id]);
  });

  it('marks an answered call progressing, and ends it only after the maximum call duration', async () => {
    const carrier = new SilentCarrier();
    carrier.phase = 'answered';
    sys = await startTestSystem({ provider: carrier });
    const { given, when, read } = engineSteps(sys);
    const h = await given.campaign({ targets: [phone('answer')], outplan: { dial_timeout: 30_000 } });
    await tickAndDial();
    const [call] = await read.calls(h.id);
    const { maxCallMs } = sys.engine.deps.settings;

    await when.timePasses(30_000 + GRACE + 1_000);
    await sys.engine.tick();
    expect(await read.call(call.id)).toMatchObject({ status: 'progressing' });

    await when.timePasses(maxCallMs - 30_000 - GRACE - 10_000);
    await sys.engine.tick();
    expect(await read.call(call.id)).toMatchObject({ status: 'progressing' });
    expect(carrier.hangups).toEqual([]);

    await when.timePasses(10_000);
    await sys.engine.tick();
    expect(await read.call(call.id)).toMatchObject({ status: 'done', result: 'fail' });
    expect(await reasonOf(call.id)).toBe('timeout');
    expect(carrier.hangups).toEqual([call.reference_id]);
    await expectEngineInvariants(sys, h);
  });
});

describe('answered calls the carrier has forgotten or cannot tell about', () => {
  const anAnsweredCall = async (carrier: SilentCarrier) => {
    sys = await startTestSystem({ provider: carrier });
    const steps = engineSteps(sys);
    const h = await steps.given.campaign({
      targets: [phone('answer')],
      outplan: { dial_timeout: 30_000, try_interval: 0, max_try_count_0: 2, max_try_count_1: 0 },
    });
    await tickAndDial();
    const [call] = await steps.read.calls(h.id);
    carrier.phase = 'answered';
    await steps.when.timePasses(30_000 + GRACE + 1_000);
    await sys.engine.tick(); // the sweeper learns it was answered
    expect(await steps.read.call(call.id)).toMatchObject({ status: 'progressing' });
    return { ...steps, h, call };
  };

  it('closes one the carrier no longer knows (null) as failed at the next sweep, and retries its target', async () => {
    const carrier = new SilentCarrier();
    const { when, read, h, call } = await anAnsweredCall(carrier);
    carrier.forgotten = true;

    await when.timePasses(5_000);
    await sys.engine.tick();

    expect(await read.call(call.id)).toMatchObject({ status: 'done', result: 'fail' });
    expect(await reasonOf(call.id)).toBe('failed');
    expect(await read.lineHolder(call.destination)).toBeUndefined();
    expect(await read.target(h.outdialId, h.targets[0]!.id)).toMatchObject({
      status: 'idle',
      try_count_0: 1,
    });
    await expectEngineInvariants(sys, h);
  });

  it('keeps one the carrier cannot tell about (phase unknown) open until the longest call, as before', async () => {
    const carrier = new SilentCarrier();
    const { when, read, h, call } = await anAnsweredCall(carrier);
    carrier.phase = 'unknown';

    await when.timePasses(3_600_000);
    await sys.engine.tick();
    expect(await read.call(call.id)).toMatchObject({ status: 'progressing' });

    await when.timePasses(sys.engine.deps.settings.maxCallMs);
    await sys.engine.tick();
    expect(await read.call(call.id)).toMatchObject({ status: 'done', result: 'fail' });
    expect(await reasonOf(call.id)).toBe('timeout');
    await expectEngineInvariants(sys, h);
  });
});

describe('a forced stop whose hangups the carrier never reports', () => {
  it.each([
    ['never sends the hangup event', false],
    ['fails every hangup', true],
  ])(
    'reaches stop within forceStopWaitMs when the carrier %s, its calls closed as cancel',
    async (_, fails) => {
      const carrier = new SilentCarrier();
      carrier.hangupFails = fails;
      sys = await startTestSystem({ provider: carrier });
      const { given, when, read } = engineSteps(sys);
      const h = await given.campaign({
        targets: [phone('answer'), phone('answer')],
        outplan: { try_interval: 0, max_try_count_0: 2, max_try_count_1: 0 },
      });
      await tickAndDial();
      const calls = await read.calls(h.id);
      await sys.engine.deps.engine.answer(
        (await sys.engine.deps.engine.getCampaigncall(calls[0].id))!,
        new Date(sys.clock.peek()).toISOString().replace('Z', '000Z'),
      );
      const res = await sys.customer.put(`/campaigns/${h.id}/status`, { status: 'stop', force: true });
      expect(res.body.status).toBe('stopping');

      const TICK = 5_000;
      const bound = Math.ceil(sys.engine.deps.settings.forceStopWaitMs / TICK) + 1;
      let ticks = 0;
      while ((await read.status(h.id)) !== 'stop') {
        expect(ticks, 'ticks until stop').toBeLessThan(bound);
        await sys.engine.tick();
        ticks++;
        await when.timePasses(TICK);
      }
      console.log(`forced stop with a carrier that ${_}: stop after ${ticks} ticks (bound ${bound})`);
      expect(ticks).toBeGreaterThan(1); // it did wait for the hangup events first
      for (const c of calls) {
        expect(await read.call(c.id)).toMatchObject({ status: 'done', result: 'fail' });
        expect(await reasonOf(c.id)).toBe('cancel');
      }
      expect(new Set(carrier.hangups)).toEqual(new Set(calls.map((c) => c.reference_id)));
      expect((await sys.customer.get(`/campaigns/${h.id}/stats`)).body).toMatchObject({
        in_flight: 0,
        answered: 1,
        succeeded: 0,
        failed_by_reason: { cancel: 2 },
      });
      await expectEngineInvariants(sys, h);
      expect(await read.targets(h.outdialId)).toMatchObject([{ status: 'idle' }, { status: 'idle' }]);
    },
  );
});

describe('a forced stop while the carrier is down', () => {
  it('still reaches stop in bounded ticks, though every sweep of its answered call fails (and says so)', async () => {
    const carrier = new SilentCarrier();
    sys = await startTestSystem({ provider: carrier });
    const { given, when, read } = engineSteps(sys);
    const h = await given.campaign({ targets: [phone('answer')], outplan: { dial_timeout: 30_000 } });
    await tickAndDial();
    const [call] = await read.calls(h.id);
    carrier.phase = 'answered';
    await when.timePasses(30_000 + GRACE + 1_000);
    await sys.engine.tick();
    expect(await read.call(call.id)).toMatchObject({ status: 'progressing' });
    carrier.down = true;
    await sys.customer.put(`/campaigns/${h.id}/status`, { status: 'stop', force: true });

    const bound = Math.ceil(sys.engine.deps.settings.forceStopWaitMs / 5_000) + 1;
    let ticks = 0;
    let failedTicks = 0;
    while ((await read.status(h.id)) !== 'stop') {
      expect(ticks, 'ticks until stop').toBeLessThan(bound);
      await sys.engine.tick().catch(() => failedTicks++);
      ticks++;
      await when.timePasses(5_000);
    }
    expect(failedTicks).toBeGreaterThan(0); // the sweep's failure is not hidden
    expect(await read.call(call.id)).toMatchObject({ status: 'done', result: 'fail' });
    expect(await reasonOf(call.id)).toBe('cancel');
    await expectEngineInvariants(sys, h);
  });
});

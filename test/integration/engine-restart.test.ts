/**
 * A restart of `npm start` with calls in flight: the new simulator knows none of them and the in-memory
 * dial queue lost its jobs. Every attempt is settled on the evidence there is within the sweep grace
 * (not the 4-hour maximum call), lines and targets are freed, and the campaign runs to its end; a lost
 * dial job is sent again, and a dial queue kept in a directory loses nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { countPlacements, engineSteps, expectEngineInvariants, phone } from '../support/engine-steps.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let sys: TestSystem;
let dirs: string[] = [];
afterEach(async () => {
  await sys.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

const DIAL_TIMEOUT = 30_000;
const GRACE = 60_000;

const tickAndDial = async () => {
  await sys.engine.tick();
  await sys.engine.drain();
};

const reasonOf = async (id: string) => (await sys.engine.deps.engine.getCampaigncall(id))?._reason;
const stats = async (id: string) => (await sys.customer.get(`/campaigns/${id}/stats`)).body;

describe('after a restart, calls the new simulator does not know', () => {
  it('are settled within the sweep grace: answered ones failed, ringing ones dialout; lines and targets freed, retried, and the campaign ends', async () => {
    // Long talk and ring times: without the restart, nothing would end before the sweep.
    sys = await startTestSystem({ ringMs: 2_000, talkMs: 3_600_000 });
    const { given, when, read } = engineSteps(sys);
    const h = await given.campaign({
      targets: [phone('answer'), phone('answer'), phone('noanswer')],
      outplan: { dial_timeout: DIAL_TIMEOUT, try_interval: 0, max_try_count_0: 2, max_try_count_1: 0 },
    });
    await tickAndDial();
    await when.timePasses(2_500);
    const before = await read.calls(h.id);
    expect(before.map((c) => c.status).sort()).toEqual(['dialing', 'progressing', 'progressing']);
    const answered = before.filter((c) => c.status === 'progressing');
    const ringing = before.find((c) => c.status === 'dialing')!;
    expect(await read.lineHolder(answered[0]!.destination)).toBe(answered[0]!.id);
    const deleteFirst = () =>
      sys.customer.del(`/outdials/${h.outdialId}/targets/${answered[0]!.outdial_target_id}`);
    expect((await deleteFirst()).status).toBe(409);

    await sys.restartEngine();
    expect(await sys.engine.deps.provider.getCall(answered[0]!.reference_id)).toBeNull();

    // Just before the ring deadline nothing is decided; just after it, everything is.
    await when.timePasses(DIAL_TIMEOUT + GRACE - 2_500 - 1_000);
    await sys.engine.tick();
    expect(await read.openCalls(h.id)).toHaveLength(3);
    await when.timePasses(2_000);
    await sys.engine.tick();

    for (const c of answered) {
      expect(await read.call(c.id)).toMatchObject({ status: 'done', result: 'fail' });
      expect(await reasonOf(c.id)).toBe('failed');
      expect(await read.lineHolder(c.destination)).toBeUndefined();
    }
    expect(await read.call(ringing.id)).toMatchObject({ status: 'done', result: 'fail' });
    expect(await reasonOf(ringing.id)).toBe('dialout');
    expect(await read.lineHolder(ringing.destination)).toBeUndefined();
    expect(await stats(h.id)).toMatchObject({
      in_flight: 0,
      answered: 2,
      succeeded: 0,
      failed: 3,
      failed_by_reason: { failed: 2, dialout: 1 },
    });
    await expectEngineInvariants(sys, h);

    // The target is free: deletable. The others are retried per the outplan and the list ends.
    expect((await deleteFirst()).status).toBe(200);
    await when.runsToTheEnd(h.id, 3_600_000, 20);
    const after = await read.calls(h.id);
    expect(
      after
        .filter((c) => c.try_count === 2)
        .map((c) => c.outdial_target_id)
        .sort(),
    ).toEqual([answered[1]!.outdial_target_id, ringing.outdial_target_id].sort());
    expect(after.filter((c) => c.result === 'success')).toHaveLength(1);
    await expectEngineInvariants(sys, h);
  });

  it('lets a stopping campaign stop and a forced stop finish, instead of waiting for the longest call', async () => {
    sys = await startTestSystem({ ringMs: 2_000, talkMs: 3_600_000 });
    const { given, when, read } = engineSteps(sys);
    const stopping = await given.campaign({ targets: [phone('answer')] });
    const forced = await given.campaign({ targets: [phone('answer')] });
    await tickAndDial();
    await when.timePasses(2_500);
    expect((await when.statusIsSet(stopping.id, 'stop')).body.status).toBe('stopping');
    await sys.restartEngine();
    const res = await sys.customer.put(`/campaigns/${forced.id}/status`, { status: 'stop', force: true });
    expect(res.body.status).toBe('stopping');

    // The forced stop closes its call as cancelled after its bounded wait; the other is swept.
    await when.roundsUntil(
      async () => (await read.status(stopping.id)) === 'stop' && (await read.status(forced.id)) === 'stop',
      5_000,
      (DIAL_TIMEOUT + GRACE) / 5_000 + 2,
    );
    const [forcedCall] = await read.calls(forced.id);
    expect(await reasonOf(forcedCall.id)).toBe('cancel');
    await expectEngineInvariants(sys, stopping);
    await expectEngineInvariants(sys, forced);
  });
});

describe('dial jobs lost in a restart', () => {
  it('are sent again by the sweeper once overdue, and the call is placed exactly once', async () => {
    sys = await startTestSystem({ ringMs: 2_000, talkMs: 5_000 });
    const { given, when, read } = engineSteps(sys);
    const h = await given.campaign({
      targets: [phone('answer')],
      outplan: { dial_timeout: DIAL_TIMEOUT, max_try_count_0: 1, max_try_count_1: 0 },
    });
    await sys.engine.tick(); // claimed, its job queued in memory
    await sys.restartEngine(); // the job is gone
    const placements = countPlacements(sys);
    const [call] = await read.calls(h.id);

    await when.timePasses(DIAL_TIMEOUT + GRACE - 1_000);
    await tickAndDial();
    expect(placements.total()).toBe(0);
    expect(await read.call(call.id)).toMatchObject({ status: 'dialing' });

    await when.timePasses(2_000);
    await tickAndDial(); // the sweeper sends the job again; the dialer places it
    await tickAndDial(); // placed late: it rings from now, and the sweeper leaves it alone
    expect(await read.call(call.id)).toMatchObject({ status: 'dialing' });
    expect(placements.placed.get(call.id)).toBe(1);
    await when.runsToTheEnd(h.id);
    expect(await read.calls(h.id)).toMatchObject([{ id: call.id, status: 'done', result: 'success' }]);
    expect(placements.total()).toBe(1);
    await expectEngineInvariants(sys, h);
  });

  it('are not lost when the dial queue is kept in a directory: placed right after the restart', async () => {
    const queueDir = mkdtempSync(join(tmpdir(), 'outbound-queue-'));
    dirs.push(queueDir);
    sys = await startTestSystem({ ringMs: 2_000, talkMs: 5_000, queueDir });
    const { given, when, read } = engineSteps(sys);
    const h = await given.campaign({ targets: [phone('answer'), phone('answer')] });
    await sys.engine.tick(); // claimed, both jobs queued on disk
    await sys.restartEngine();
    const placements = countPlacements(sys);

    expect(await sys.engine.drain()).toBe(2);
    const calls = await read.calls(h.id);
    expect(calls.map((c) => placements.placed.get(c.id))).toEqual([1, 1]);
    await when.runsToTheEnd(h.id);
    expect((await read.calls(h.id)).map((c) => c.result)).toEqual(['success', 'success']);
    await expectEngineInvariants(sys, h);
  });
});

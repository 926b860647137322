/**
 * Calling hours (Outbound's addition): new calls start only inside the campaign's window, in its time
 * zone; a call in flight when the window closes finishes; dialing resumes when it opens again.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { engineSteps, phone } from '../support/engine-steps.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

let sys: TestSystem;
let steps: ReturnType<typeof engineSteps>;
beforeEach(async () => {
  sys = await startTestSystem({ ringMs: 2_000, talkMs: 5_000 });
  steps = engineSteps(sys);
});
afterEach(() => sys.close());

it('starts calls only inside the calling hours, lets a call in flight finish, and resumes the next day', async () => {
  const { given, when, read } = steps;
  const midnight = Math.ceil(sys.clock.peek() / DAY) * DAY + DAY; // a UTC midnight ahead
  sys.clock.set(midnight + 6 * HOUR);
  const h = await given.campaign({
    targets: [phone('answer'), phone('answer')],
    maxConcurrentCalls: 1,
    campaign: {
      calling_hours: { timezone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], start: '08:00', end: '09:00' },
    },
  });

  // 06:00: before the window.
  for (let i = 0; i < 3; i++) await when.aRound(5_000);
  expect(await read.calls(h.id)).toEqual([]);
  expect((await sys.engine.tick()).find((t) => t.campaignId === h.id)?.outcome).toBe('outside-hours');

  // 08:59:58: one call starts just before the window closes and is answered after it.
  sys.clock.set(midnight + 9 * HOUR - 2_000);
  await when.aRound(10_000);
  for (let i = 0; i < 3; i++) await when.aRound(5_000);
  const calls = await read.calls(h.id);
  expect(calls.map((c) => [c.status, c.result])).toEqual([['done', 'success']]);
  expect(await read.status(h.id)).toBe('run');

  // The next day at 08:00 the second target is dialled and the list ends.
  sys.clock.set(midnight + DAY + 8 * HOUR);
  await when.runsToTheEnd(h.id);
  expect((await read.calls(h.id)).map((c) => c.result)).toEqual(['success', 'success']);
});

it('ends a list with nothing left to dial even outside the calling hours', async () => {
  const { given, when, read } = steps;
  const midnight = Math.ceil(sys.clock.peek() / DAY) * DAY + DAY;
  sys.clock.set(midnight + 12 * HOUR);
  const h = await given.campaign({
    targets: [],
    campaign: {
      calling_hours: { timezone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], start: '08:00', end: '09:00' },
    },
  });
  await when.aRound(5_000);
  expect(await read.status(h.id)).toBe('stop');
});

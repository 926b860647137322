/**
 * The simulator's opt-out rule end to end (docs/behaviour.md, "The call simulator"): when the campaign
 * has an opt-out prompt, an answered number ending in 99 presses its key, over the signed keypress
 * route, and is suppressed; other numbers, and campaigns without the prompt, suppress nobody.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineSteps, expectEngineInvariants } from '../support/engine-steps.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let sys: TestSystem;
let steps: ReturnType<typeof engineSteps>;

beforeAll(async () => {
  sys = await startTestSystem();
  steps = engineSteps(sys);
});

afterAll(async () => {
  await sys?.close();
});

let serial = 0;
/** A fresh number ending in `tail` (the simulator's outcome rule reads the last digits). */
const aNumber = (tail: string) =>
  `+1555${String(Date.now() % 1000).padStart(3, '0')}${String(++serial).padStart(2, '0')}${tail}`;

const OPT_OUT = { type: 'opt_out', option: { digit: '#', text: 'Press the hash key to stop these calls.' } };

const suppressionsOf = async (number: string) => {
  const res = await sys.customer.get(`/suppressions?number=${encodeURIComponent(number)}`);
  expect(res.status).toBe(200);
  return res.body.result as { number: string; source: string }[];
};

describe('the simulator and the opt-out prompt', () => {
  it('has an answered number ending in 99 press the key, which suppresses it and is kept on its attempt', async () => {
    const pressing = aNumber('99');
    const listening = aNumber('98');
    const h = await steps.given.campaign({
      targets: [pressing, listening],
      campaign: { actions: [{ type: 'talk', option: { text: 'Hello' } }, OPT_OUT] },
    });
    await steps.when.runsToTheEnd(h.id);

    expect(await suppressionsOf(pressing)).toEqual([
      expect.objectContaining({ number: pressing, source: 'opt_out' }),
    ]);
    expect(await suppressionsOf(listening)).toEqual([]);
    const calls = await steps.read.calls(h.id);
    const byNumber = new Map(calls.map((c) => [c.destination.target, c]));
    expect(byNumber.get(pressing)).toMatchObject({ result: 'success', opt_out: { digit: '#' } });
    expect(byNumber.get(listening)).toMatchObject({ result: 'success', opt_out: null });
    await expectEngineInvariants(sys, h);
  });

  it('presses nothing when the campaign has no opt-out prompt', async () => {
    const number = aNumber('99');
    const h = await steps.given.campaign({
      targets: [number],
      campaign: { actions: [{ type: 'talk', option: { text: 'Hello' } }] },
    });
    await steps.when.runsToTheEnd(h.id);
    expect(await suppressionsOf(number)).toEqual([]);
    const [call] = await steps.read.calls(h.id);
    expect(call).toMatchObject({ result: 'success', opt_out: null });
  });
});

/**
 * A fresh test system and its engine steps for every test of a file, closed after it: each test starts
 * with an empty table, its own clock and an empty dial queue, so no test sees another's campaigns.
 */
import { afterEach, beforeEach } from 'vitest';
import { engineSteps } from './engine-steps.ts';
import { startTestSystem, type TestSystem } from './system.ts';

/**
 * Registers the file's beforeEach and afterEach; read `sys` and `steps` of what it returns inside tests
 * and hooks only, since each test gets new ones. Calls ring 2 s and talk 5 s unless `options` say.
 */
export const systemPerTest = (
  options: Parameters<typeof startTestSystem>[0] = { ringMs: 2_000, talkMs: 5_000 },
) => {
  const current = {} as { sys: TestSystem; steps: ReturnType<typeof engineSteps> };
  beforeEach(async () => {
    current.sys = await startTestSystem(options);
    current.steps = engineSteps(current.sys);
  });
  afterEach(() => current.sys.close());
  return current;
};

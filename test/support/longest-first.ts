/**
 * Orders test files longest first within each group (sequence.groupOrder), whatever their project.
 *
 * Vitest's own order runs a group's projects one after another by name, longest first only inside a
 * project: with two workers, a several-minute file of a project late in the alphabet starts near the
 * end and the run waits on it alone. Here a file's expected time is its duration in the last run's
 * cache or, with no cache (a fresh CI checkout), the figure below; the others keep Vitest's order
 * after them.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Seconds of the slowest files in one full run on 2 cores: only their order matters here. */
const EXPECTED_SECONDS: Record<string, number> = {
  'test/faults/engine-chaos.test.ts': 405,
  'test/console/browser.test.ts': 124,
  'test/console/cli-import.test.ts': 119,
  'test/integration/engine-predictive-e2e.test.ts': 108,
  'test/integration/engine-scale.test.ts': 97,
  'test/integration/engine-limits.test.ts': 83,
  'test/integration/engine-lifecycle.test.ts': 33,
  'test/integration/engine-pacing.test.ts': 28,
  'test/faults/engine-crash.test.ts': 26,
  'test/integration/engine-concurrency.test.ts': 24,
  'test/infra/cdk-app.test.ts': 24,
  'test/faults/api-fuzz.test.ts': 23,
  'test/integration/engine-twilio.test.ts': 21,
  'test/integration/engine-model.test.ts': 21,
  'test/integration/engine-hours-widened.test.ts': 14,
  'test/integration/engine-target-states.test.ts': 13,
  'test/integration/engine-sweeper.test.ts': 13,
};

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const root = this.ctx.config.root;
    const expected = (spec: TestSpecification) => {
      const cached = this.ctx.cache.getTestSpecificationResult(spec)?.duration;
      if (cached !== undefined) return cached / 1000;
      const path = spec.moduleId.startsWith(root) ? spec.moduleId.slice(root.length + 1) : spec.moduleId;
      return EXPECTED_SECONDS[path] ?? 0;
    };
    const rank = new Map(base.map((spec, i) => [spec, i]));
    return [...base].sort(
      (a, b) =>
        a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder ||
        expected(b) - expected(a) ||
        rank.get(a)! - rank.get(b)!,
    );
  }
}

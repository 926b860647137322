import type { Scheduler } from '#ports/scheduler.ts';
import type { FakeClock } from './clock.ts';

/** Runs scheduled work only when a test moves time, in time order: simulated calls without sleeps. */
export class ManualScheduler implements Scheduler {
  private tasks: { at: number; seq: number; task: () => Promise<void> | void }[] = [];
  private seq = 0;

  constructor(private readonly clock: FakeClock) {}

  after(delayMs: number, task: () => Promise<void> | void): void {
    this.tasks.push({ at: this.clock.peek() + delayMs, seq: this.seq++, task });
  }

  get pending(): number {
    return this.tasks.length;
  }

  /** Advances the clock by `ms`, running every task that falls due on the way, each at its own time. */
  async advance(ms: number): Promise<void> {
    const until = this.clock.peek() + ms;
    for (;;) {
      this.tasks.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.tasks[0];
      if (!next || next.at > until) break;
      this.tasks.shift();
      this.clock.set(next.at);
      await next.task();
    }
    this.clock.set(until);
  }
}

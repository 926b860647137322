/** Deferred work as a port: real timers locally, a hand-driven schedule in tests (no sleeps). */
export interface Scheduler {
  /** Runs `task` once `delayMs` has passed on the scheduler's clock. */
  after(delayMs: number, task: () => Promise<void> | void): void;
}

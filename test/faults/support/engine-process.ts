/**
 * One engine process, as far as the fault suite can kill it: a crash plan says at which command it
 * dies (the n-th command a step sends, just before it or just after it was applied); from then on every
 * command of its clients and every call placement fails with ProcessDied, so nothing more of that
 * process reaches the table, the queue or the carrier.
 */

export class ProcessDied extends Error {
  override name = 'ProcessDied';
  constructor(readonly at: string) {
    super(`process died (${at})`);
  }
}

/** Where a process dies: the `nth` command (1-based) that `matches`, `before` it is sent or `after` it applied. */
export interface CrashPlan {
  step: string;
  when: 'before' | 'after';
  nth: number;
  matches: (command: string, input: any) => boolean;
}

export class EngineProcess {
  /** Set once the process has died: where. */
  diedAt: string | undefined;
  private seen = 0;
  private readonly ordinal = new WeakMap<object, number>();

  constructor(private readonly plan?: CrashPlan) {}

  get dead() {
    return this.diedAt !== undefined;
  }

  /** Throws if the process is dead, or dies now if this is the planned command and moment. */
  check(command: string, input: unknown, moment: 'before' | 'after') {
    if (this.diedAt) throw new ProcessDied(this.diedAt);
    const plan = this.plan;
    if (!plan?.matches(command, input)) return;
    // Each matching request gets its number when it is sent, and keeps it for its `after`: requests run
    // concurrently (the tick claims several targets at once), so the nth to be sent may not be the
    // nth to come back.
    if (moment === 'before' && typeof input === 'object' && input !== null)
      this.ordinal.set(input, ++this.seen);
    const ordinal = typeof input === 'object' && input !== null ? this.ordinal.get(input) : this.seen;
    if (ordinal === plan.nth && moment === plan.when) {
      this.diedAt = `${plan.when} ${command} of ${plan.step} #${plan.nth}`;
      throw new ProcessDied(this.diedAt);
    }
  }
}

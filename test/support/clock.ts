import type { Clock } from '#ports/clock.ts';

/** A clock tests move by hand; `freeze` makes every write get the same timestamp. */
export class FakeClock implements Clock {
  private t: number;
  private frozen = false;
  constructor(start = Date.parse('2026-01-15T09:30:00.000Z')) {
    this.t = start;
  }
  now(): number {
    // Unfrozen, time moves 1 ms per read so ordinary writes get distinct, ordered timestamps.
    return this.frozen ? this.t : this.t++;
  }
  advance(ms: number) {
    this.t += ms;
  }
  /** Moves to `ms` if that is later; time never goes back. */
  set(ms: number) {
    this.t = Math.max(this.t, ms);
  }
  peek(): number {
    return this.t;
  }
  freeze() {
    this.frozen = true;
  }
  unfreeze() {
    this.frozen = false;
  }
}

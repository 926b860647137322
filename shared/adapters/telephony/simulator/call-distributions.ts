/**
 * Seeded call outcomes for the simulator (SIM_LIVE_ANSWER_RATE and friends, see docs/behaviour.md,
 * Simulator) and for the pacing bench (bench/pacing-sim.ts), so both draw calls the same way: who
 * answers (a person, a machine, nobody), after how long, and how long a person talks.
 */

/** A closed range of milliseconds; min = max is a fixed time. */
export interface MsRange {
  min: number;
  max: number;
}

export interface CallDistributions {
  /** Share of calls a person answers. */
  liveAnswerRate: number;
  /** Share of calls a machine answers (its call ends without an agent). */
  machineRate: number;
  /** Time from placing an answered call to its answer. */
  ringMs: MsRange;
  /** Time a person talks once answered. */
  talkMs: MsRange;
}

export type SampledOutcome = 'person' | 'machine' | 'noanswer';

export interface SampledCall {
  outcome: SampledOutcome;
  /** Until the answer, or until the ring timeout when nobody answers. */
  ringMs: number;
  /** How long a person talks; 0 for a machine or no answer. */
  talkMs: number;
}

/** Who answers, set by SIM_LIVE_ANSWER_RATE and SIM_MACHINE_RATE; the rest of the calls ring out. */
export type AnswerRates = Pick<CallDistributions, 'liveAnswerRate' | 'machineRate'>;

/** A fixed time as a range. */
export const msRange = (ms: number | MsRange): MsRange =>
  typeof ms === 'number' ? { min: ms, max: ms } : ms;

/** Realistic defaults once distributions are on: a 5–25 s ring, a 90–180 s conversation. */
export const DEFAULT_DISTRIBUTIONS: CallDistributions = {
  liveAnswerRate: 0.35,
  machineRate: 0.1,
  ringMs: { min: 5_000, max: 25_000 },
  talkMs: { min: 90_000, max: 180_000 },
};

export type Random = () => number;

/** mulberry32: a tiny, fast 32-bit PRNG, good enough for simulation and reproducible from its seed. */
export const mulberry32 = (seed: number): Random => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** FNV-1a of a string: a stable 32-bit number. */
const hash32 = (s: string) => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
};

/**
 * A generator for one call, from the run's seed and the call's own key: the same attempt gets the same
 * outcome whatever order calls are placed in (the engine places them concurrently), and a retried
 * placement of one attempt draws the same call again.
 */
export const randomFor = (seed: number, key: string): Random => mulberry32(hash32(`${seed >>> 0}:${key}`));

/** Uniform in the range, whole milliseconds. */
export const sampleMs = (random: Random, range: MsRange) =>
  Math.round(range.min + (range.max - range.min) * random());

/**
 * One call: a person answers with `liveAnswerRate`, a machine with `machineRate`, else nobody does and
 * the call rings until `ringTimeoutMs`. An answer drawn later than the ring timeout is no answer, as a
 * carrier gives up at the timeout. Always draws three numbers, so one call never shifts the next.
 */
export const sampleCall = (random: Random, d: CallDistributions, ringTimeoutMs: number): SampledCall => {
  const who = random();
  const ring = sampleMs(random, d.ringMs);
  const talk = sampleMs(random, d.talkMs);
  const answeredBy: SampledOutcome =
    who < d.liveAnswerRate ? 'person' : who < d.liveAnswerRate + d.machineRate ? 'machine' : 'noanswer';
  if (answeredBy === 'noanswer' || ring > ringTimeoutMs)
    return { outcome: 'noanswer', ringMs: ringTimeoutMs, talkMs: 0 };
  return { outcome: answeredBy, ringMs: ring, talkMs: answeredBy === 'person' ? talk : 0 };
};

/**
 * `"5000-25000"` (a range) or `"2000"` (a fixed time) → a range; undefined when the text is neither
 * (or the range runs backwards), for the config schema to refuse.
 */
export const parseMsRange = (text: string): MsRange | undefined => {
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  if (!m) return undefined;
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : Number(m[2]);
  return min <= max ? { min, max } : undefined;
};

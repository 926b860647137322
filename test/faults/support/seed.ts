/**
 * Seeds of the fault suite: one per case, printed, and taken from `FAULTS_SEED` when it is set, so a
 * failing run can be repeated. Each injector draws from its own stream derived from the case's seed,
 * so one injector's extra draws never shift another's choices.
 */
import { createHash } from 'node:crypto';
import { mulberry32, type Random } from '#adapters/telephony/simulator/call-distributions.ts';

/** The case's seed: `FAULTS_SEED` if set, else a fresh one; printed either way. */
export const caseSeed = (faultCase: string): number => {
  const fromEnv = process.env.FAULTS_SEED;
  const seed = fromEnv ? Number(fromEnv) >>> 0 : Math.floor(Math.random() * 2 ** 32);
  if (fromEnv && String(seed) !== fromEnv.trim()) throw new Error(`FAULTS_SEED must be a 32-bit integer`);
  console.log(`[faults] ${faultCase}: seed ${seed} (repeat with FAULTS_SEED=${seed})`);
  return seed;
};

/** A small, fast PRNG (mulberry32): uniform in [0, 1), the same sequence for the same seed. */
export const prng = mulberry32;

export type { Random };

/** The stream of one injector (`name`) of a case seeded with `seed`. */
export const streamOf = (seed: number, name: string): Random =>
  prng(createHash('sha256').update(`${seed}#${name}`).digest().readUInt32BE(0));

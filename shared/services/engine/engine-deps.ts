import type { DialQueue } from '#ports/dial-queue.ts';
import type { EngineStore } from '#ports/engine-store.ts';
import type { TelephonyProvider } from '#ports/telephony.ts';
import type { Deps } from '../deps.ts';

export interface EngineSettings {
  /** Where the provider reaches our webhook route, e.g. https://api.example.com (no /v1.0). */
  publicBaseUrl: string;
  /** Most attempts one campaign may start in one tick: bounds a tick's work and any burst. */
  maxNewCallsPerTick: number;
  /**
   * Most attempts one tick may start across all campaigns: the carrier's CPS × the tick period, when
   * it has a budget (Twilio). Unset: no shared limit (the simulator).
   */
  claimsPerTick?: number;
  /** How long a tick owns a campaign before another tick may take it over. */
  leaseMs: number;
  /** Extra time after dial_timeout before the sweeper asks the provider about a silent attempt. */
  sweepGraceMs: number;
  /** Longest a call may last; the sweeper closes answered calls older than this. */
  maxCallMs: number;
  /**
   * How long an attempt may wait for its dial job (held back by the carrier's CPS budget) before the
   * job counts as lost: longer than every redelivery of the dial queue (5 × 180 s) allows.
   */
  lostDialJobMs: number;
  /**
   * How long a forced stop waits for the hangup event of a call it hung up (a few ticks) before it
   * closes the attempt as `cancel` itself: a provider that lost the call, or whose hangup keeps
   * failing, must not keep the campaign `stopping`.
   */
  forceStopWaitMs: number;
}

/** How often a running campaign is visited in AWS: the fan-out's twelve ticks a minute. */
export const TICK_PERIOD_MS = 5_000;

/** The shared claim budget of one tick for a carrier of `cps` calls per second (at least one call). */
export const claimsPerTickFor = (cps: number, tickPeriodMs: number) =>
  Math.max(1, Math.ceil((cps * tickPeriodMs) / 1000));

export const defaultEngineSettings = (publicBaseUrl: string): EngineSettings => ({
  publicBaseUrl,
  maxNewCallsPerTick: 50,
  leaseMs: 30_000,
  sweepGraceMs: 60_000,
  maxCallMs: 4 * 3600_000,
  lostDialJobMs: 30 * 60_000,
  forceStopWaitMs: 15_000,
});

/**
 * What the engine touches of the API's deps: campaigns and resources (chaining starts the next
 * campaign), agents (pacing by free agents), call rollups (predictive pacing), suppressions and contact policies (checks before a call),
 * replays (signed callbacks), clock and ids. Never the API's access keys or idempotency answers, so an
 * engine function builds neither.
 */
export type EngineStoreDeps = Pick<
  Deps,
  | 'resources'
  | 'campaigns'
  | 'agents'
  | 'suppressions'
  | 'contactPolicies'
  | 'replays'
  | 'clock'
  | 'ids'
  /** A predictive campaign's measured rates (its hour and day sums). */
  | 'timeseries'
>;

/** The stores the engine shares with the API, plus what only the engine touches. */
export interface EngineDeps extends EngineStoreDeps {
  engine: EngineStore;
  dialQueue: DialQueue;
  provider: TelephonyProvider;
  settings: EngineSettings;
}

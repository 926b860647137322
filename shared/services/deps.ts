import type { AccesskeyStore } from '#ports/accesskey-store.ts';
import type { AgentStore } from '#ports/agent-store.ts';
import type { CallTimeseriesStore } from '#ports/call-timeseries-store.ts';
import type { CampaignStore } from '#ports/campaign-store.ts';
import type { Clock } from '#ports/clock.ts';
import type { ContactPolicyStore } from '#ports/contact-policy-store.ts';
import type { IdempotencyStore } from '#ports/idempotency-store.ts';
import type { IdSource } from '#ports/ids.ts';
import type { ReplayGuard } from '#ports/replay-guard.ts';
import type { ResourceStore } from '#ports/resource-store.ts';
import type { SuppressionStore } from '#ports/suppression-store.ts';
import type { TargetIndexStore } from '#ports/target-index-store.ts';

/** Everything a use case may touch, injected by the entry point (or a test). */
export interface Deps {
  resources: ResourceStore;
  campaigns: CampaignStore;
  agents: AgentStore;
  accesskeys: AccesskeyStore;
  /** Suppressed numbers (records are read and listed through `resources`). */
  suppressions: SuppressionStore;
  contactPolicies: ContactPolicyStore;
  /** Campaigns' calls per minute, kept from the table's change stream. */
  timeseries: CallTimeseriesStore;
  /** Outdials' targets by number (their counts are on the outdial), kept from the change stream. */
  targetIndex: TargetIndexStore;
  /** Answers to POSTs sent with an Idempotency-Key, for replay. */
  idempotency: IdempotencyStore;
  /** Signed provider webhooks already accepted, so a replayed one is refused. */
  replays: ReplayGuard;
  clock: Clock;
  ids: IdSource;
  /** `local` allows http and loopback customer webhook URIs (npm start); `aws` does not. */
  runtime: 'local' | 'aws';
}

/**
 * The engine's attempts-and-lines section: an attempt from its claim to its finish, the destination's
 * line it holds meanwhile, and the dialer's placement guard.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Campaigncall } from '#domain/campaigncall.ts';
import type { DestinationChoice } from '#domain/dialing.ts';
import type {
  AttemptStore,
  ClaimLimit,
  ClaimResult,
  EngineCampaign,
  EngineCampaigncall,
  EngineTarget,
  Finish,
  FinishResult,
} from '#ports/engine-store.ts';
import { answerSteps, claimSteps, finishSteps, openAttemptsQueries } from './attempt-requests.ts';
import { expandCampaigncall } from './campaigncall-item.ts';
import { unlessRefused } from './conditional-write.ts';
import { getEngineItem, readPages } from './engine-reads.ts';
import { idOfTimeSortKey } from './keys.ts';
import {
  markCancelledUpdate,
  markDialJobResentUpdate,
  markPlacementUnknownUpdate,
  placementGuardGet,
  recordPlacementUpdate,
  resetPlacementDelete,
  startPlacementPut,
} from './placement-requests.ts';
import { runSteps } from './transactions.ts';

/** How often a finish reads the attempt again when its status changed between the read and the write. */
const FINISH_READS = 5;

export class DynamoAttemptStore implements AttemptStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(
    campaign: EngineCampaign,
    target: EngineTarget,
    choice: DestinationChoice,
    call: Campaigncall,
    limit: ClaimLimit,
  ): Promise<ClaimResult> {
    const refusal = await runSteps(
      this.ddb,
      claimSteps(this.tableName, campaign.id, target, choice, call, limit),
    );
    return refusal ?? 'claimed';
  }

  getTarget(id: string) {
    return getEngineItem<EngineTarget>(this.ddb, this.tableName, 'outdialtarget', id);
  }

  async getCampaigncall(id: string) {
    const item = await getEngineItem<Record<string, unknown>>(this.ddb, this.tableName, 'campaigncall', id);
    return item ? expandCampaigncall(item) : undefined;
  }

  async startPlacement(campaigncallId: string): Promise<boolean> {
    const out = await unlessRefused(
      this.ddb.send(new PutCommand(startPlacementPut(this.tableName, campaigncallId))),
    );
    return out !== undefined;
  }

  async recordPlacement(campaigncallId: string, callId: string, now: string) {
    await this.ddb.send(
      new UpdateCommand(recordPlacementUpdate(this.tableName, campaigncallId, callId, now)),
    );
  }

  async resetPlacement(campaigncallId: string) {
    await this.ddb.send(new DeleteCommand(resetPlacementDelete(this.tableName, campaigncallId)));
  }

  async markPlacementUnknown(campaigncallId: string) {
    await this.ddb.send(new UpdateCommand(markPlacementUnknownUpdate(this.tableName, campaigncallId)));
  }

  async placementState(campaigncallId: string) {
    const out = await this.ddb.send(new GetCommand(placementGuardGet(this.tableName, campaigncallId)));
    const state = out.Item?.state;
    return state === 'placing' || state === 'unknown' ? state : undefined;
  }

  async markCancelled(campaigncallId: string, now: string) {
    // Refused: the attempt is closed already, and there is nothing to hang up.
    await unlessRefused(
      this.ddb.send(new UpdateCommand(markCancelledUpdate(this.tableName, campaigncallId, now))),
    );
  }

  async markDialJobResent(campaigncallId: string, now: string) {
    const out = await unlessRefused(
      this.ddb.send(new UpdateCommand(markDialJobResentUpdate(this.tableName, campaigncallId, now))),
    );
    return out !== undefined;
  }

  async answer(call: EngineCampaigncall, now: string): Promise<boolean> {
    const refusal = await runSteps(this.ddb, answerSteps(this.tableName, call, now));
    return refusal === undefined;
  }

  async finish(call: EngineCampaigncall, outcome: Finish, now: string): Promise<FinishResult> {
    let current: EngineCampaigncall | undefined = call;
    const include = { target: true, line: true };
    // The status read decides which counters move; if it changed meanwhile, read again and retry.
    for (let attempt = 0; attempt < FINISH_READS && current; attempt++) {
      if (current.status === 'done') return 'already-done';
      const refusal = await runSteps(this.ddb, finishSteps(this.tableName, current, outcome, now, include));
      if (refusal === undefined) return 'finished';
      // The target no longer points at this attempt (freed by the sweeper): close the attempt alone.
      if (refusal === 'target-moved') include.target = false;
      // The line is another attempt's: this one was opened before lines existed, and holds none.
      else if (refusal === 'line-elsewhere') include.line = false;
      current = await this.getCampaigncall(call.id);
    }
    return current ? 'already-done' : 'missing';
  }

  async openAttempts(campaignId: string, before: string, limit: number): Promise<EngineCampaigncall[]> {
    // byState copies keys only; stale attempts are few, so each is read whole.
    const keys = (await readPages(this.ddb, openAttemptsQueries(this.tableName, campaignId, before, limit)))
      .sort((a, b) => String(a.gsi4sk).localeCompare(String(b.gsi4sk)))
      .slice(0, limit);
    const calls = await Promise.all(keys.map((k) => this.getCampaigncall(idOfTimeSortKey(String(k.gsi4sk)))));
    return calls.filter((c): c is EngineCampaigncall => c !== undefined && c.status !== 'done');
  }
}

/**
 * The requests that open, answer and close an attempt, as pure builders: the attempt store runs them,
 * and unit tests read them offline. Each attempt lives on exactly one runtime shard of its campaign
 * (the one its claim chose, kept on the attempt as `_shard`), as a member of the shard's open and
 * ringing sets (campaign-runtime.ts).
 *
 * Only the claim is a transaction (target, shard, line), and the attempt item is not in it: it is
 * written right after, from a copy the line holds meanwhile (a crash in between leaves the copy, and
 * the sweeper writes the attempt from it). An answer and a close each commit on the attempt item (conditioned on its status), and
 * the writes that follow are plain, conditioned on the state they change, so each lands once however
 * often it is tried: a crash between them is repaired by trying them again (a later callback, or the
 * sweeper, which finds the attempt still among its shard's open ones). Attempts opened before shards
 * held them as members (no `_tracked`) close through the transactions they were opened for
 * (`legacy…` below).
 */
import { failureCounter } from '#domain/campaign-stats.ts';
import type { Campaigncall } from '#domain/campaigncall.ts';
import type { DestinationChoice } from '#domain/dialing.ts';
import { skippedCounter } from '#domain/holds.ts';
import type { StoredHold } from '#domain/target-hold.ts';
import type {
  ClaimLimit,
  EngineCampaigncall,
  EngineTarget,
  Finish,
  HeldUntilOpening,
} from '#ports/engine-store.ts';
import { OPEN_SET, openMember, RINGING_SET } from './campaign-runtime.ts';
import { compactCampaigncall } from './campaigncall-item.ts';
import { pageQuery } from './engine-reads.ts';
import {
  dueKeys,
  itemKey,
  lineKey,
  listKeys,
  openAttemptsKeys,
  runtimeShardKey,
  timeSortKeyBefore,
} from './keys.ts';
import { type ClaimGuard, claimPersonParts, PERSON_TYPE } from './person-requests.ts';
import type { NamedStep } from './transactions.ts';

const duePrefixed = (keys: { gsi3pk: string; gsi3sk: string }) => ({
  ':pk': keys.gsi3pk,
  ':sk': keys.gsi3sk,
});

/** Attempts opened before runtime shards existed counted on the campaign item; they close on shard 0. */
export const shardOf = (call: Pick<EngineCampaigncall, '_shard'>) => call._shard ?? 0;

/** The accepted provider requests an attempt keeps (short digests), so a replay is refused. */
const SEEN = '_seen';

/** The digest of an applied request joins the attempt's `_seen` in the write that applies it. */
const seenParts = (
  seen: string | undefined,
): { add: string; condition: string; names: Record<string, string>; values: Record<string, unknown> } =>
  seen
    ? {
        add: ` ADD #seen :seen`,
        condition: ' AND NOT contains(#seen, :digest)',
        names: { '#seen': SEEN },
        values: { ':seen': new Set([seen]), ':digest': seen },
      }
    : { add: '', condition: '', names: {}, values: {} };

// --- claim -------------------------------------------------------------------------------------

/** Idle and unchanged since it was read: two ticks can never claim the same target. */
export const claimTargetUpdate = (
  tableName: string,
  target: EngineTarget,
  choice: DestinationChoice,
  call: Campaigncall,
) => ({
  TableName: tableName,
  Key: itemKey('outdialtarget', target.id),
  UpdateExpression:
    'SET #status = :progressing, #slot = :count, tm_update = :now, #open = :cc REMOVE gsi3pk, gsi3sk, #hold',
  ConditionExpression: '#status = :idle AND #slot = :before AND attribute_not_exists(tm_delete)',
  ExpressionAttributeNames: {
    '#status': 'status',
    '#slot': `try_count_${choice.index}`,
    '#open': '_open_cc',
    '#hold': '_hold',
  },
  ExpressionAttributeValues: {
    ':progressing': 'progressing',
    ':idle': 'idle',
    ':count': choice.tryCount,
    ':before': choice.tryCount - 1,
    ':now': call.tm_create,
    ':cc': call.id,
  },
});

/** The attempt's own attributes as stored, without keys (the line's copy of it). */
export const attemptAttributes = (call: Campaigncall, shard: number): Record<string, unknown> => ({
  ...compactCampaigncall(call),
  _shard: shard,
  _tracked: true,
});

/** The attempt's item: its attributes with its keys and its lists' keys. */
export const attemptItem = (attributes: Record<string, unknown>) => ({
  ...itemKey('campaigncall', String(attributes.id)),
  ...listKeys('campaigncall', attributes),
  et: 'campaigncall',
  ...attributes,
});

/**
 * The attempt as a resource, in the customer's and the campaign's lists, put once its claim has
 * committed: by the claimer, or by the sweeper from the line's copy when a crash came between them.
 * `_tracked`: its shard holds it as a member (it closes by plain writes, not by the legacy transaction).
 */
export const openAttemptPut = (tableName: string, item: Record<string, unknown>) => ({
  TableName: tableName,
  Item: item,
  ConditionExpression: 'attribute_not_exists(pk)',
});

/**
 * The shard takes the attempt as open and ringing, while the campaign runs and the shard's share of
 * the bound allows: `size()` of the set the bound counts stays below `room`, the share less the
 * attempts the shard still counts the old way (`legacy`, as read; that number only falls).
 */
export const claimShardUpdate = (
  tableName: string,
  campaignId: string,
  call: Pick<Campaigncall, 'id' | 'tm_create' | 'destination'>,
  limit: ClaimLimit,
  legacy = 0,
) => ({
  TableName: tableName,
  Key: runtimeShardKey(campaignId, limit.shard),
  UpdateExpression: 'ADD #open :open, #ring :ring, #attempts :one',
  ConditionExpression:
    '#status = :run AND (attribute_not_exists(#bounded) OR size(#bounded) < :room) AND ' +
    '(attribute_not_exists(#legacy) OR #legacy <= :legacy)',
  ExpressionAttributeNames: {
    '#open': OPEN_SET,
    '#ring': RINGING_SET,
    '#attempts': '_attempts',
    '#status': 'status',
    '#bounded': limit.counter === '_dialing' ? RINGING_SET : OPEN_SET,
    '#legacy': limit.counter,
  },
  ExpressionAttributeValues: {
    ':open': new Set([openMember(call)]),
    ':ring': new Set([call.id]),
    ':one': 1,
    ':run': 'run',
    ':room': limit.below - legacy,
    ':legacy': legacy,
  },
});

/**
 * One open attempt per person: the destination's line on its person item (person-requests.ts), taken
 * by the claim and freed by the close. The same write checks that the number is not suppressed and
 * that the customer's contact policy allows the attempt (and counts it), so none of that adds an item
 * to the claim's transaction. It carries the attempt's item (`_attempt`), so the claim's transaction
 * holds no copy of the attempt, its lists' entries included, and a crash before the attempt is
 * written loses nothing. A refusal returns the item, which tells which check refused.
 */
export const takeLineUpdate = (tableName: string, call: Campaigncall, shard: number, guard: ClaimGuard) => {
  const p = claimPersonParts(guard);
  return {
    TableName: tableName,
    Key: lineKey(call.customer_id, call.destination),
    UpdateExpression: `SET et = :et, #open = :cc, #attempt = :attempt${p.sets.map((x) => `, ${x}`).join('')}`,
    ConditionExpression: p.condition,
    ExpressionAttributeNames: { '#open': '_open_cc', '#attempt': '_attempt', ...p.names },
    ExpressionAttributeValues: {
      ':et': PERSON_TYPE,
      ':cc': call.id,
      ':attempt': attemptAttributes(call, shard),
      ...p.values,
    },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
};

/** The line of an open attempt, read to write the attempt from its copy. */
export const lineGet = (
  tableName: string,
  customerId: string,
  destination: { type: string; target: string },
) => ({
  TableName: tableName,
  Key: lineKey(customerId, destination),
  ConsistentRead: true,
});

/** The refusals of the claim's steps; the person's (`person`) is told apart by its item (personRefusal). */
export type ClaimRefusal = 'target-taken' | 'campaign-refused' | 'person';

/** The claim's transaction, each item named by what its refusal means. */
export const claimSteps = (
  tableName: string,
  campaignId: string,
  target: EngineTarget,
  choice: DestinationChoice,
  call: Campaigncall,
  limit: ClaimLimit,
  legacy = 0,
  guard: ClaimGuard = { now: call.tm_create },
): NamedStep<ClaimRefusal>[] => [
  { item: { Update: claimTargetUpdate(tableName, target, choice, call) }, refused: 'target-taken' },
  {
    item: { Update: claimShardUpdate(tableName, campaignId, call, limit, legacy) },
    refused: 'campaign-refused',
  },
  { item: { Update: takeLineUpdate(tableName, call, limit.shard, guard) }, refused: 'person' },
];

// --- answer ------------------------------------------------------------------------------------

/** dialing → progressing: the commit of an answer (with the digest of the request that reports it). */
export const answerCallUpdate = (tableName: string, call: EngineCampaigncall, now: string, seen?: string) => {
  const s = seenParts(seen);
  return {
    TableName: tableName,
    Key: itemKey('campaigncall', call.id),
    UpdateExpression: `SET #status = :progressing, tm_update = :now${s.add}`,
    ConditionExpression: `#status = :dialing${s.condition}`,
    ExpressionAttributeNames: { '#status': 'status', ...s.names },
    ExpressionAttributeValues: {
      ':progressing': 'progressing',
      ':dialing': 'dialing',
      ':now': now,
      ...s.values,
    },
  };
};

/** Then the attempt stops ringing on its shard, and is counted answered, once. */
export const answerShardUpdate = (tableName: string, call: EngineCampaigncall) => ({
  TableName: tableName,
  Key: runtimeShardKey(call.campaign_id, shardOf(call)),
  UpdateExpression: 'DELETE #ring :ring ADD #answered :one',
  ConditionExpression: 'contains(#ring, :id)',
  ExpressionAttributeNames: { '#ring': RINGING_SET, '#answered': '_answered' },
  ExpressionAttributeValues: { ':ring': new Set([call.id]), ':id': call.id, ':one': 1 },
});

/** An attempt opened before shards held members: its shard's numbers move with it, in one transaction. */
export const legacyAnswerSteps = (
  tableName: string,
  call: EngineCampaigncall,
  now: string,
  seen?: string,
): NamedStep<'not-dialing'>[] => [
  { item: { Update: answerCallUpdate(tableName, call, now, seen) }, refused: 'not-dialing' },
  {
    item: {
      Update: {
        TableName: tableName,
        Key: runtimeShardKey(call.campaign_id, shardOf(call)),
        UpdateExpression: 'ADD #dialing :minus, #answered :one',
        ExpressionAttributeNames: { '#dialing': '_dialing', '#answered': '_answered' },
        ExpressionAttributeValues: { ':minus': -1, ':one': 1 },
      },
    },
    refused: 'not-dialing',
  },
];

// --- finish ------------------------------------------------------------------------------------

/** What becomes of the target: `done`, or where the idle target goes. */
export type TargetAfter = 'done' | 'retry' | 'exhausted';

export const targetAfter = (outcome: Pick<Finish, 'targetStatus' | 'targetPartition'>): TargetAfter =>
  outcome.targetStatus === 'done' ? 'done' : (outcome.targetPartition ?? 'retry');

/** The target's fate as a closed attempt records it: a success ends it, a failure retries it unless `_parked`. */
export const targetAfterClose = (
  call: Pick<EngineCampaigncall, 'result' | '_parked' | '_reason'>,
): TargetAfter =>
  call.result === 'success'
    ? 'done'
    : call._reason === 'suppressed'
      ? call._parked
        ? 'done'
        : 'retry'
      : call._parked
        ? 'exhausted'
        : 'retry';

/**
 * The commit of a close, only from the status it was read in (the first terminal event wins). For
 * the writes that follow it records what they cannot read elsewhere, and only when it is not the
 * default, as the item must stay under 1 KB: `_parked` (the target has no tries left) and `_answered`
 * (it closed from progressing, so it was counted answered).
 */
export const closeCallUpdate = (
  tableName: string,
  call: EngineCampaigncall,
  outcome: Finish,
  now: string,
  seen?: string,
) => {
  const s = seenParts(seen);
  // `_parked` also marks a suppressed close whose target has no other destination (it ends done).
  const parked =
    call._tracked === true &&
    (targetAfter(outcome) === 'exhausted' ||
      (outcome.reason === 'suppressed' && targetAfter(outcome) === 'done'));
  const answered = call._tracked === true && call.status === 'progressing';
  const flags = [
    ...(parked ? ['#parked = :true'] : []),
    ...(answered ? ['#answered = :true'] : []),
    ...(outcome.hold ? ['#held = :held'] : []),
  ];
  return {
    TableName: tableName,
    Key: itemKey('campaigncall', call.id),
    UpdateExpression: `SET #status = :done, #result = :result, #reason = :reason, tm_update = :now${
      outcome.providerCode ? ', #code = :code' : ''
    }${flags.map((f) => `, ${f}`).join('')} REMOVE gsi4pk, gsi4sk, gsi3pk, gsi3sk${s.add}`,
    ConditionExpression: `#status = :was${s.condition}`,
    ExpressionAttributeNames: {
      '#status': 'status',
      '#result': 'result',
      '#reason': '_reason',
      ...(outcome.providerCode ? { '#code': '_provider_code' } : {}),
      ...(parked ? { '#parked': '_parked' } : {}),
      ...(answered ? { '#answered': '_answered' } : {}),
      ...(outcome.hold ? { '#held': '_held' } : {}),
      ...s.names,
    },
    ExpressionAttributeValues: {
      ':done': 'done',
      ':result': outcome.result,
      ':reason': outcome.reason,
      ':now': now,
      ':was': call.status,
      ...(outcome.providerCode ? { ':code': outcome.providerCode } : {}),
      ...(parked || answered ? { ':true': true } : {}),
      ...(outcome.hold ? { ':held': outcome.hold } : {}),
      ...s.values,
    },
  };
};

/**
 * The target back in line (retry or parked) or done; only while it still points at this attempt. An
 * attempt cancelled because its number was suppressed (`suppressed`) spent no try: its slot's try is
 * given back and the slot skipped for good; a target with nothing left to dial ends done, showing why.
 * One cancelled outside the callee's hours (`held`) spent none either: its slot's try is given back and
 * the target waits among the retries, sorted at `held.due`, showing its hold.
 */
export const releaseTargetUpdate = (
  tableName: string,
  call: Pick<EngineCampaigncall, 'id' | 'outdial_id' | 'outdial_target_id'> &
    Partial<Pick<EngineCampaigncall, 'destination_index'>>,
  then: TargetAfter,
  now: string,
  suppressed = false,
  held?: HeldUntilOpening,
) => {
  const partition = then === 'done' ? undefined : then;
  const due = partition
    ? duePrefixed(dueKeys(call.outdial_id, partition, held?.due ?? now, call.outdial_target_id))
    : {};
  const slot = call.destination_index !== undefined;
  const skip = suppressed && slot;
  const giveBack = (skip || !!held) && slot;
  // A suppressed close that ends the target shows why; a close outside the hours shows the wait.
  const hold: StoredHold | undefined =
    skip && !partition
      ? { reason: 'suppressed', until: null, at: now }
      : held
        ? { reason: 'outside_hours', until: held.until, at: now }
        : undefined;
  const extraSet = `${giveBack ? ', #slot = #slot - :one' : ''}${hold ? ', #hold = :hold' : ''}`;
  return {
    TableName: tableName,
    Key: itemKey('outdialtarget', call.outdial_target_id),
    UpdateExpression: `${
      partition
        ? `SET #status = :status, tm_update = :now, gsi3pk = :pk, gsi3sk = :sk${extraSet} REMOVE #open`
        : `SET #status = :status, tm_update = :now${extraSet} REMOVE #open, gsi3pk, gsi3sk`
    }${skip ? ' ADD #skip :skip' : ''}`,
    ConditionExpression: '#open = :cc',
    ExpressionAttributeNames: {
      '#status': 'status',
      '#open': '_open_cc',
      ...(giveBack ? { '#slot': `try_count_${call.destination_index}` } : {}),
      ...(skip ? { '#skip': '_skip' } : {}),
      ...(hold ? { '#hold': '_hold' } : {}),
    } as Record<string, string>,
    ExpressionAttributeValues: {
      ':status': partition ? 'idle' : 'done',
      ':now': now,
      ':cc': call.id,
      ...due,
      ...(giveBack ? { ':one': 1 } : {}),
      ...(skip ? { ':skip': new Set([call.destination_index]) } : {}),
      ...(hold ? { ':hold': hold } : {}),
    } as Record<string, unknown>,
  };
};

/**
 * The destination's line is free again, only while this attempt holds it (an attempt opened before
 * lines existed holds none: refused, which changes nothing). The person item stays, with its
 * suppression and contact history; an attempt that reached the person (answered, not by a machine)
 * records the contact there, from which the policy's rest after contact runs.
 */
export const freeLineUpdate = (
  tableName: string,
  call: Pick<EngineCampaigncall, 'id' | 'customer_id' | 'destination'>,
  contactAt?: string,
  /** The call was abandoned: the rest after an abandoned call runs from here (every campaign). */
  abandonedAt?: string,
) => {
  const sets = [
    ...(contactAt ? ['#contact = :contact'] : []),
    ...(abandonedAt ? ['#abandoned = :abandoned'] : []),
  ];
  return {
    TableName: tableName,
    Key: lineKey(call.customer_id, call.destination),
    UpdateExpression: `${sets.length ? `SET ${sets.join(', ')} ` : ''}REMOVE #open, #attempt`,
    ConditionExpression: '#open = :cc',
    ExpressionAttributeNames: {
      '#open': '_open_cc',
      '#attempt': '_attempt',
      ...(contactAt ? { '#contact': '_contact_at' } : {}),
      ...(abandonedAt ? { '#abandoned': '_abandoned_at' } : {}),
    },
    ExpressionAttributeValues: {
      ':cc': call.id,
      ...(contactAt ? { ':contact': contactAt } : {}),
      ...(abandonedAt ? { ':abandoned': abandonedAt } : {}),
    },
  };
};

/** Whether a closed attempt reached the person: answered, and not by a machine. */
export const reachedPerson = (closedFrom: string, reason: string) =>
  closedFrom === 'progressing' && reason !== 'amd';

/** Whether a closed attempt was a call abandoned: answered by the person, and no agent took it. */
export const abandonedPerson = (closedFrom: string, reason: string) =>
  closedFrom === 'progressing' && reason === 'abandoned';

/**
 * The shard's counter of a closed attempt's result: `_succeeded`, `_failed_<reason>`, or, for an
 * attempt the dialer cancelled (its number suppressed, or its callee's window closed, while its job
 * waited), the skips for that reason: no call was made.
 */
const outcomeCounter = (outcome: Pick<Finish, 'result' | 'reason'>) =>
  outcome.result === 'success'
    ? '_succeeded'
    : outcome.reason === 'suppressed' || outcome.reason === 'outside_hours'
      ? skippedCounter(outcome.reason)
      : failureCounter(outcome.reason);

/**
 * How the close of an answered attempt finds its shard: `answered` when the answer's own shard write
 * was made (the usual case), `answer-pending` when it was not (a crash, or the two callbacks racing),
 * so the close counts the answer itself. An attempt closed while ringing is `rang`.
 */
export type ShardCloseCase = 'rang' | 'answered' | 'answer-pending';

/**
 * The last write of a close: the attempt leaves its shard's open (and ringing) set and its result is
 * counted (`_succeeded`, or `_failed_<reason>`), once: only while the attempt is still a member.
 */
export const closeShardUpdate = (
  tableName: string,
  call: Pick<EngineCampaigncall, 'id' | 'tm_create' | 'destination' | 'campaign_id' | '_shard'>,
  outcome: Pick<Finish, 'result' | 'reason'>,
  shardCase: ShardCloseCase,
) => ({
  TableName: tableName,
  Key: runtimeShardKey(call.campaign_id, shardOf(call)),
  UpdateExpression: `DELETE #open :open, #ring :ring ADD #outcome :one${
    shardCase === 'answer-pending' ? ', #answered :one' : ''
  }`,
  ConditionExpression: `contains(#open, :member)${
    shardCase === 'answered'
      ? ' AND NOT contains(#ring, :id)'
      : shardCase === 'answer-pending'
        ? ' AND contains(#ring, :id)'
        : ''
  }`,
  ExpressionAttributeNames: {
    '#open': OPEN_SET,
    '#ring': RINGING_SET,
    '#outcome': outcomeCounter(outcome),
    ...(shardCase === 'answer-pending' ? { '#answered': '_answered' } : {}),
  },
  ExpressionAttributeValues: {
    ':open': new Set([openMember(call)]),
    ':ring': new Set([call.id]),
    ':member': openMember(call),
    ':one': 1,
    ...(shardCase === 'rang' ? {} : { ':id': call.id }),
  },
});

/** The legacy shard's numbers move with the close, in its transaction: `_succeeded`, or `_failed_<reason>`. */
export const legacyFinishShardUpdate = (tableName: string, call: EngineCampaigncall, outcome: Finish) => ({
  TableName: tableName,
  Key: runtimeShardKey(call.campaign_id, shardOf(call)),
  UpdateExpression: 'ADD #inflight :minus, #dialing :dialing, #outcome :one',
  ExpressionAttributeNames: {
    '#inflight': '_inflight',
    '#dialing': '_dialing',
    '#outcome': outcomeCounter(outcome),
  },
  ExpressionAttributeValues: { ':minus': -1, ':dialing': call.status === 'dialing' ? -1 : 0, ':one': 1 },
});

export type FinishRefusal = 'call-moved' | 'target-moved' | 'line-elsewhere';

/**
 * The close of an attempt opened before shards held members, in one transaction. Without `target`,
 * the target no longer points at this attempt (freed by the sweeper) and the attempt closes alone;
 * without `line`, the line is another attempt's (this one was opened before lines existed).
 */
export const legacyFinishSteps = (
  tableName: string,
  call: EngineCampaigncall,
  outcome: Finish,
  now: string,
  include: { target: boolean; line: boolean },
  seen?: string,
): NamedStep<FinishRefusal>[] => [
  { item: { Update: closeCallUpdate(tableName, call, outcome, now, seen) }, refused: 'call-moved' },
  { item: { Update: legacyFinishShardUpdate(tableName, call, outcome) }, refused: 'call-moved' },
  ...(include.target
    ? [
        {
          item: {
            Update: releaseTargetUpdate(
              tableName,
              call,
              targetAfter(outcome),
              now,
              outcome.reason === 'suppressed',
              outcome.hold,
            ),
          },
          refused: 'target-moved' as const,
        },
      ]
    : []),
  ...(include.line
    ? [
        {
          item: {
            Update: freeLineUpdate(
              tableName,
              call,
              reachedPerson(call.status, outcome.reason) ? now : undefined,
              abandonedPerson(call.status, outcome.reason) ? now : undefined,
            ),
          },
          refused: 'line-elsewhere' as const,
        },
      ]
    : []),
];

// --- replays -----------------------------------------------------------------------------------

/** A request that changes nothing is still remembered on its attempt: once, and only on an attempt. */
export const markSeenUpdate = (tableName: string, campaigncallId: string, seen: string) => ({
  TableName: tableName,
  Key: itemKey('campaigncall', campaigncallId),
  UpdateExpression: 'ADD #seen :seen',
  ConditionExpression: 'attribute_exists(pk) AND NOT contains(#seen, :digest)',
  ExpressionAttributeNames: { '#seen': SEEN },
  ExpressionAttributeValues: { ':seen': new Set([seen]), ':digest': seen },
});

/** A request that failed is forgotten, so the sender's retry gets in. */
export const forgetSeenUpdate = (tableName: string, campaigncallId: string, seen: string) => ({
  TableName: tableName,
  Key: itemKey('campaigncall', campaigncallId),
  UpdateExpression: 'DELETE #seen :seen',
  ConditionExpression: 'attribute_exists(pk)',
  ExpressionAttributeNames: { '#seen': SEEN },
  ExpressionAttributeValues: { ':seen': new Set([seen]) },
});

// --- open attempts opened before shards held them ---------------------------------------------

/**
 * A campaign's legacy open attempts created strictly before `before`, oldest first (byState, keys
 * only, on their line items): one query per partition. Read only while a shard still counts some.
 */
export const legacyOpenAttemptsQueries = (
  tableName: string,
  campaignId: string,
  before: string,
  limit: number,
) =>
  openAttemptsKeys(campaignId).map((pk) =>
    pageQuery(tableName, { pk, upper: timeSortKeyBefore(before), limit, index: 'gsi4' }),
  );

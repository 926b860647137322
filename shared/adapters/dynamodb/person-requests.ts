/**
 * The person item (`lineKey`): one per destination of a customer, holding what the claim must check
 * about the person in the write it makes anyway, so no guardrail adds an item to the claim's
 * transaction:
 * - the line: `_open_cc` and the attempt's copy `_attempt`, set by the claim, removed by the close;
 * - the suppression in force for the number: its `id` and `expire_at` (suppression-requests.ts);
 * - the contact history the customer's contact policy counts: `_recent` (attempt times within the
 *   policy's window: each claim appends its time, moved to its call's placement once placed), its
 *   version `_v`, `_contact_at` (the end of the last attempt that reached the person: answered, not by
 *   a machine) and `_abandoned_at` (the end of the last call to the person that was abandoned:
 *   answered, no agent free).
 * Pure builders; the attempt store runs them.
 */
import type { HoldReason } from '#domain/holds.ts';

/**
 * What the claim's write to the person item checks besides the line: the time of the claim (for the
 * suppression's expiry), the last contact allowed (`restSince`), and the contact history as read with
 * its version (`cap`: the claim times still in the window, oldest first, at most the cap's size).
 */
export interface ClaimGuard {
  now: string;
  restSince?: string;
  /** The last abandoned call allowed: the rest after an abandoned call ended before it. */
  abandonSince?: string;
  cap?: { version: number | undefined; recent: string[] };
}

/** Entity type of person items; not an event kind, so they publish no webhook of their own. */
export const PERSON_TYPE = 'person';

export const PERSON_ATTRIBUTES = {
  open: '_open_cc',
  attempt: '_attempt',
  suppression: 'id',
  expireAt: 'expire_at',
  recent: '_recent',
  version: '_v',
  contactAt: '_contact_at',
  abandonedAt: '_abandoned_at',
} as const;

const A = PERSON_ATTRIBUTES;

/** Not suppressed at `:now`: no suppression holds the number, or its holder has expired. */
export const NOT_SUPPRESSED = `(attribute_not_exists(#sid) OR #exp <= :now)`;

/** The parts of the claim's write to the person item: its conditions and what it records. */
export const claimPersonParts = (guard: ClaimGuard) => {
  const conditions = ['attribute_not_exists(#open)', NOT_SUPPRESSED];
  const sets: string[] = [];
  const names: Record<string, string> = { '#sid': A.suppression, '#exp': A.expireAt };
  const values: Record<string, unknown> = { ':now': guard.now };
  if (guard.restSince) {
    // No attempt until rest_after_contact_days have passed since the last contact.
    conditions.push('(attribute_not_exists(#contact) OR #contact <= :rest)');
    names['#contact'] = A.contactAt;
    values[':rest'] = guard.restSince;
  }
  if (guard.abandonSince) {
    // No attempt by any campaign of the customer within the rest after an abandoned call.
    conditions.push('(attribute_not_exists(#abandoned) OR #abandoned <= :abandonSince)');
    names['#abandoned'] = A.abandonedAt;
    values[':abandonSince'] = guard.abandonSince;
  }
  if (guard.cap) {
    // The history was read with its version: the write lands only if nobody counted meanwhile, so two
    // claims racing for one person never pass the cap together.
    conditions.push(guard.cap.version === undefined ? 'attribute_not_exists(#v)' : '#v = :v');
    sets.push('#recent = :recent', '#v = :nextv');
    names['#v'] = A.version;
    names['#recent'] = A.recent;
    values[':recent'] = [...guard.cap.recent, guard.now];
    values[':nextv'] = (guard.cap.version ?? 0) + 1;
    if (guard.cap.version !== undefined) values[':v'] = guard.cap.version;
  }
  return { condition: conditions.join(' AND '), sets, names, values };
};

/** Why the claim's write to the person item was refused, from the item as it was then. */
export const personRefusal = (
  item: Record<string, unknown> | undefined,
  guard: ClaimGuard,
): 'line-busy' | Exclude<HoldReason, 'outside_hours'> | 'person-changed' => {
  if (item?.[A.open] !== undefined) return 'line-busy';
  if (suppressedAt(item, guard.now)) return 'suppressed';
  const contact = item?.[A.contactAt];
  if (guard.restSince && typeof contact === 'string' && contact > guard.restSince) return 'capped';
  // The rest after an abandoned call is the contact policy's too: the target is held as capped.
  const abandoned = item?.[A.abandonedAt];
  if (guard.abandonSince && typeof abandoned === 'string' && abandoned > guard.abandonSince) return 'capped';
  return 'person-changed';
};

/** Whether a suppression is in force on the person item at `now` (a timestamp, ordered as text). */
export const suppressedAt = (item: Record<string, unknown> | undefined, now: string) =>
  typeof item?.[A.suppression] === 'string' &&
  (typeof item[A.expireAt] !== 'string' || (item[A.expireAt] as string) > now);

/**
 * Moves an attempt's count in the person's contact history from its claim to the placement of its call,
 * so the cap's window runs from when the person was called: a dial job may wait in the queue (throttled,
 * redelivered after a crash), and a window counted from the claim would let the next call come that
 * much less than the window after this one. The claim appended its time at `index`, and no other claim
 * can write the history while the attempt holds the line; the condition makes a second move, or a move
 * after a later claim has pruned the history, a no-op. The version moves too, so a claim that read the
 * history before the move is refused and reads it again.
 */
export const countAtPlacementUpdate = (
  tableName: string,
  key: Record<string, string>,
  index: number,
  claimedAt: string,
  placedAt: string,
) => ({
  TableName: tableName,
  Key: key,
  UpdateExpression: `SET #recent[${index}] = :placed, #v = #v + :one`,
  ConditionExpression: `#recent[${index}] = :claimed AND attribute_exists(#v)`,
  ExpressionAttributeNames: { '#recent': A.recent, '#v': A.version },
  ExpressionAttributeValues: { ':placed': placedAt, ':claimed': claimedAt, ':one': 1 },
});

/** The attempt times of `_recent` still within the window that starts after `since`. */
export const recentSince = (item: Record<string, unknown> | undefined, since: string): string[] =>
  ((item?.[A.recent] as string[] | undefined) ?? []).filter((t) => t > since);

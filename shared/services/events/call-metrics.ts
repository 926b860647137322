/**
 * Use case: committed campaigncall changes → the business counts of the dashboard. The table stream
 * sees every attempt's life, so the engine needs no metrics code of its own: a new campaigncall is a
 * dial attempt, `dialing → progressing` an answer, `→ done` a success or a failure (by hangup reason).
 */
import type { ItemChange } from './enqueue-deliveries.ts';

export interface CallCounts {
  placed: number;
  answered: number;
  succeeded: number;
  /** Failed attempts per hangup reason (`unknown` when the attempt carries none). */
  failedByReason: Record<string, number>;
}

export const noCalls = (): CallCounts => ({ placed: 0, answered: 0, succeeded: 0, failedByReason: {} });

const isCampaigncall = (image: Record<string, unknown> | undefined) => image?.et === 'campaigncall';

/** Adds what one change means to `counts`; anything but a campaigncall's own transitions adds nothing. */
const count = (counts: CallCounts, { oldImage, newImage }: ItemChange): void => {
  if (!isCampaigncall(newImage) || !newImage) return;
  if (!oldImage) {
    counts.placed += 1;
    return;
  }
  if (!isCampaigncall(oldImage) || oldImage.status === newImage.status) return;
  if (oldImage.status === 'dialing' && newImage.status === 'progressing') counts.answered += 1;
  if (newImage.status !== 'done') return;
  if (newImage.result === 'success') counts.succeeded += 1;
  else if (newImage.result === 'fail') {
    const reason = typeof newImage._reason === 'string' && newImage._reason ? newImage._reason : 'unknown';
    counts.failedByReason[reason] = (counts.failedByReason[reason] ?? 0) + 1;
  }
};

/**
 * The counts of a batch of changes. Pass only changes that are final for this batch (not the ones that
 * will be read again), so a retried stream batch is not counted twice.
 */
export const callCounts = (changes: readonly ItemChange[]): CallCounts => {
  const counts = noCalls();
  for (const change of changes) count(counts, change);
  return counts;
};

export const totalFailed = (counts: CallCounts) =>
  Object.values(counts.failedByReason).reduce((a, b) => a + b, 0);

export const isEmpty = (counts: CallCounts) =>
  counts.placed + counts.answered + counts.succeeded + totalFailed(counts) === 0;

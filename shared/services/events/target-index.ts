/**
 * Use case: committed target changes → the target index (counts per outdial, by state, and targets by
 * number). A new target is added; a soft delete (tm_delete set) or a removed item is removed; a live
 * target whose state (targetStateOf) changed is moved. Its numbers are set at create and never edited.
 */
import { targetStateOf } from '#domain/outdial.ts';
import type { IndexedTarget, TargetIndexChange } from '#ports/target-index-store.ts';
import type { ItemChange } from './enqueue-deliveries.ts';

type Image = Record<string, unknown>;

const isTarget = (image: Image | undefined): image is Image => image?.et === 'outdialtarget';
const isSet = (v: unknown) => v !== undefined && v !== null;

const numbersOf = (image: Image) => {
  const out = new Set<string>();
  for (let slot = 0; slot < 5; slot++) {
    const d = image[`destination_${slot}`] as { type?: unknown; target?: unknown } | null | undefined;
    if (d?.type === 'tel' && typeof d.target === 'string' && d.target) out.add(d.target);
  }
  return [...out];
};

/** Tells an idle target with no try left from one waiting for a retry (by its keys: the adapter's). */
export type ExhaustedTest = (image: Image) => boolean;

const indexed = (image: Image, exhausted: ExhaustedTest): IndexedTarget => ({
  id: String(image.id),
  customerId: String(image.customer_id),
  outdialId: String(image.outdial_id),
  tmCreate: String(image.tm_create),
  numbers: numbersOf(image),
  state: targetStateOf(image, exhausted(image)),
});

export const targetIndexChangesOf = (
  changes: readonly ItemChange[],
  exhausted: ExhaustedTest,
): TargetIndexChange[] => {
  const out: TargetIndexChange[] = [];
  for (const { oldImage, newImage } of changes) {
    if (!isTarget(newImage) && !isTarget(oldImage)) continue;
    const wasLive = isTarget(oldImage) && !isSet(oldImage.tm_delete);
    const isLive = isTarget(newImage) && !isSet(newImage.tm_delete);
    if (!oldImage && isLive) out.push({ kind: 'added', target: indexed(newImage, exhausted) });
    else if (wasLive && !isLive) out.push({ kind: 'removed', target: indexed(oldImage, exhausted) });
    else if (wasLive && isLive) {
      const from = targetStateOf(oldImage, exhausted(oldImage));
      const target = indexed(newImage, exhausted);
      if (from !== target.state) out.push({ kind: 'moved', target, from });
    }
  }
  return out;
};

/**
 * Use case: committed campaigncall changes → what each adds to its campaign's calls per minute. A new
 * attempt is a dial in the minute it was created; `dialing → progressing` an answer, `→ done` an
 * outcome, each in the minute of the write (its tm_update). The times come from the item, so a
 * record delivered again lands in the same minute and is counted there once (the store dedupes).
 */
import { type MinuteEvents, minuteStartOf, SUCCESS } from '#domain/call-timeseries.ts';
import type { ItemChange } from './enqueue-deliveries.ts';

type Image = Record<string, unknown>;

const isCampaigncall = (image: Image | undefined): image is Image => image?.et === 'campaigncall';

/** A hangup reason as an attribute-safe word; anything else is `unknown`. */
const reasonOf = (image: Image) =>
  typeof image._reason === 'string' && /^[a-z_]{1,32}$/.test(image._reason) ? image._reason : 'unknown';

const timeOf = (image: Image, field: 'tm_create' | 'tm_update') => {
  const value = image[field] ?? image.tm_create;
  return typeof value === 'string' ? minuteStartOf(value) : undefined;
};

type Event = { kind: 'dialed' | 'answered' } | { kind: 'outcome'; outcome: string };

/** What one change means, if anything: the event and the minute it counts in. */
const eventOf = ({ oldImage, newImage }: ItemChange): { event: Event; minute: number } | undefined => {
  if (!isCampaigncall(newImage) || typeof newImage.campaign_id !== 'string') return undefined;
  if (!oldImage) {
    const minute = timeOf(newImage, 'tm_create');
    return minute === undefined ? undefined : { event: { kind: 'dialed' }, minute };
  }
  if (!isCampaigncall(oldImage) || oldImage.status === newImage.status) return undefined;
  const minute = timeOf(newImage, 'tm_update');
  if (minute === undefined) return undefined;
  if (oldImage.status === 'dialing' && newImage.status === 'progressing') {
    return { event: { kind: 'answered' }, minute };
  }
  if (newImage.status !== 'done') return undefined;
  if (newImage.result === 'success') return { event: { kind: 'outcome', outcome: SUCCESS }, minute };
  if (newImage.result === 'fail') return { event: { kind: 'outcome', outcome: reasonOf(newImage) }, minute };
  return undefined;
};

/** The changes' events grouped by campaign and minute, one entry per group, in order of first sight. */
export const minuteEventsOf = (changes: readonly ItemChange[]): MinuteEvents[] => {
  const groups = new Map<string, MinuteEvents>();
  for (const change of changes) {
    const found = eventOf(change);
    if (!found) continue;
    const image = change.newImage as Image;
    const campaignId = String(image.campaign_id);
    const key = `${campaignId}#${found.minute}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        customerId: String(image.customer_id ?? ''),
        campaignId,
        minute: found.minute,
        dialed: [],
        answered: [],
        outcomes: {},
      };
      groups.set(key, group);
    }
    const id = String(image.id);
    if (found.event.kind === 'outcome') {
      const list = group.outcomes[found.event.outcome] ?? [];
      list.push(id);
      group.outcomes[found.event.outcome] = list;
    } else group[found.event.kind].push(id);
  }
  return [...groups.values()];
};

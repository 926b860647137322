/**
 * Use case: committed campaigncall changes → what each adds to its campaign's calls per minute. A new
 * attempt is a dial in the minute it was created; `dialing → progressing` an answer, `→ done` an
 * outcome, each in the minute of the write (its tm_update). The times come from the item, so a
 * record delivered again lands in the same minute and is counted there once (the store dedupes).
 * An answer also gives the ring time; a close, whether a person answered and the talk time.
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

type Event =
  | { kind: 'dialed' | 'answered' | 'human' }
  | { kind: 'outcome'; outcome: string }
  | { kind: 'ring' | 'talk'; ms: number };

const msOf = (value: unknown) => (typeof value === 'string' ? Date.parse(value) : Number.NaN);

/** When the call was placed (the placement sets tm_update while dialing) or, before that, claimed. */
const placedAt = (image: Image) => msOf(image.tm_update ?? image.tm_create);

const span = (from: number, to: number) =>
  Number.isFinite(from) && Number.isFinite(to) && to >= from ? Math.round(to - from) : undefined;

/** What one change means: its events and the minute they count in. */
const eventsOf = ({ oldImage, newImage }: ItemChange): { events: Event[]; minute: number } | undefined => {
  if (!isCampaigncall(newImage) || typeof newImage.campaign_id !== 'string') return undefined;
  if (!oldImage) {
    const minute = timeOf(newImage, 'tm_create');
    return minute === undefined ? undefined : { events: [{ kind: 'dialed' }], minute };
  }
  if (!isCampaigncall(oldImage) || oldImage.status === newImage.status) return undefined;
  const minute = timeOf(newImage, 'tm_update');
  if (minute === undefined) return undefined;
  const at = msOf(newImage.tm_update);
  if (oldImage.status === 'dialing' && newImage.status === 'progressing') {
    const ring = span(placedAt(oldImage), at);
    return {
      events: [{ kind: 'answered' }, ...(ring === undefined ? [] : [{ kind: 'ring' as const, ms: ring }])],
      minute,
    };
  }
  if (newImage.status !== 'done') return undefined;
  let outcome: Event;
  if (newImage.result === 'success') outcome = { kind: 'outcome', outcome: SUCCESS };
  else if (newImage.result === 'fail') outcome = { kind: 'outcome', outcome: reasonOf(newImage) };
  else return undefined;
  const reason = outcome.kind === 'outcome' ? outcome.outcome : '';
  const events: Event[] = [outcome];
  // A suppressed skip placed no call: it has no ring time and no person.
  if (reason === 'suppressed') return { events, minute };
  if (oldImage.status === 'dialing') {
    const ring = span(placedAt(oldImage), at);
    if (ring !== undefined) events.push({ kind: 'ring', ms: ring });
  } else if (oldImage.status === 'progressing' && reason !== 'amd') {
    events.push({ kind: 'human' });
    // The answer set tm_update; nothing the call does afterwards (queue, agent) changes it.
    const talk = reason === 'abandoned' ? undefined : span(msOf(oldImage.tm_update), at);
    if (talk !== undefined) events.push({ kind: 'talk', ms: talk });
  }
  return { events, minute };
};

/** The changes' events grouped by campaign and minute, one entry per group, in order of first sight. */
export const minuteEventsOf = (changes: readonly ItemChange[]): MinuteEvents[] => {
  const groups = new Map<string, MinuteEvents>();
  for (const change of changes) {
    const found = eventsOf(change);
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
    for (const event of found.events) {
      if (event.kind === 'outcome') {
        const list = group.outcomes[event.outcome] ?? [];
        list.push(id);
        group.outcomes[event.outcome] = list;
      } else if (event.kind === 'ring' || event.kind === 'talk') {
        const list = group[event.kind] ?? [];
        list.push([id, event.ms]);
        group[event.kind] = list;
      } else if (event.kind === 'human') {
        const list = group.human ?? [];
        list.push(id);
        group.human = list;
      } else group[event.kind].push(id);
    }
  }
  return [...groups.values()];
};

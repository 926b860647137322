/**
 * What an answered call does, as inline TwiML (the `Twiml` create parameter): the campaign's actions
 * in order, then, when the campaign has a queue, the caller waits in a Twilio queue named after it.
 * Supported actions: `talk` → <Say>, `sleep` → <Pause>, `hangup` → <Hangup/>, `opt_out` → its text in a
 * one-key <Gather> whose callback (…/providers/twilio/gather) records the opt-out; others are skipped.
 * Without a key pressed the call goes on after the <Gather>; with one, it goes on with what the
 * callback answers: the same remaining actions (keypressTwiml).
 */
import { type Action, actionsAfterOptOut, OPT_OUT_ACTION, optOutOf } from '#domain/action.ts';
import { isNil } from '#domain/ids.ts';
import type { EngineStore } from '#ports/engine-store.ts';
import { keypressCallbackUrl, type PlaceCallRequest } from '#ports/telephony.ts';

/** Twilio refuses a `Twiml` parameter longer than this. */
export const TWIML_MAX_CHARS = 4000;

export const escapeXml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );

/** The Twilio queue an answered call of `queueId` waits in (names are at most 64 characters). */
export const twilioQueueName = (queueId: string) => `outbound-${queueId}`.slice(0, 64);

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/**
 * One action as TwiML, or undefined when it has no TwiML form. An opt-out needs the URL its keypress is
 * posted to; without one (a callback's answer, which never prompts again) it has none.
 */
export const verbOf = (action: Pick<Action, 'type' | 'option'>, keypressUrl?: string): string | undefined => {
  const o = action.option ?? {};
  switch (action.type) {
    case OPT_OUT_ACTION: {
      const option = optOutOf([action]);
      if (!keypressUrl || !option) return undefined;
      return `<Gather numDigits="1" action="${escapeXml(keypressUrl)}" method="POST"><Say>${escapeXml(option.text)}</Say></Gather>`;
    }
    case 'talk': {
      const text = str(o.text)?.trim();
      if (!text) return undefined;
      const language = str(o.language);
      return `<Say${language ? ` language="${escapeXml(language)}"` : ''}>${escapeXml(text)}</Say>`;
    }
    case 'sleep': {
      // VoIPBIN's sleep is in milliseconds; <Pause> takes whole seconds.
      const ms = Number(o.duration);
      return Number.isFinite(ms) && ms > 0
        ? `<Pause length="${Math.max(1, Math.round(ms / 1000))}"/>`
        : undefined;
    }
    case 'hangup':
      return '<Hangup/>';
    default:
      return undefined;
  }
};

/**
 * The TwiML for an answered call. Actions that would take it past Twilio's 4,000 characters are left
 * out (the queue join is always kept); with no queue the call ends after the last action.
 */
export const answerTwiml = (
  actions: readonly Pick<Action, 'type' | 'option'>[],
  queueId?: string,
  keypressUrl?: string,
) => {
  const open = '<?xml version="1.0" encoding="UTF-8"?><Response>';
  const close = `${queueId ? `<Enqueue>${escapeXml(twilioQueueName(queueId))}</Enqueue>` : ''}</Response>`;
  let body = '';
  for (const action of actions) {
    const verb = verbOf(action, keypressUrl);
    if (!verb) continue;
    if (open.length + body.length + verb.length + close.length > TWIML_MAX_CHARS) break;
    body += verb;
    if (verb === '<Hangup/>') break;
  }
  return open + body + close;
};

/** A `play` action's recordings (validated on the abandon message: http(s) URLs). */
const playVerbs = (action: Pick<Action, 'option'>) => {
  const o = action.option ?? {};
  const urls = Array.isArray(o.stream_urls) ? o.stream_urls.filter((u) => typeof u === 'string') : [];
  return urls.length ? urls.map((u) => `<Play>${escapeXml(u)}</Play>`).join('') : undefined;
};

/**
 * The TwiML that replaces a live call's (the `Twiml` of a call update): the message, then the end. Kept
 * within Twilio's 4,000 characters like the answer's; the hangup is always kept.
 */
export const interruptTwiml = (actions: readonly Pick<Action, 'type' | 'option'>[]) => {
  const open = '<?xml version="1.0" encoding="UTF-8"?><Response>';
  const close = '<Hangup/></Response>';
  let body = '';
  for (const action of actions) {
    const verb =
      action.type === 'hangup' ? undefined : action.type === 'play' ? playVerbs(action) : verbOf(action);
    if (!verb) continue;
    if (open.length + body.length + verb.length + close.length > TWIML_MAX_CHARS) break;
    body += verb;
  }
  return open + body + close;
};

/** Resolves a placement's TwiML from its campaign (metadata.campaign_id): one read per placed call. */
export const campaignTwiml =
  (store: Pick<EngineStore, 'getCampaign'>) =>
  async (req: PlaceCallRequest): Promise<string> => {
    const id = req.metadata.campaign_id;
    const campaign = id ? await store.getCampaign(id) : undefined;
    const queueId = campaign && !isNil(campaign.queue_id) ? campaign.queue_id : undefined;
    return answerTwiml(campaign?.actions ?? [], queueId, keypressCallbackUrl(req.statusCallbackUrl));
  };

/** The answer to a keypress callback: the actions after the opt-out, then the queue, as on answer. */
export const keypressTwiml = (actions: readonly Pick<Action, 'type' | 'option'>[], queueId?: string) =>
  answerTwiml(actionsAfterOptOut(actions), queueId);

/**
 * Faults of the carrier's callbacks, by wrapping the simulator's `deliver`:
 * - a duplicate: the same event posted again as a new request (its own timestamp, signed anew), as a
 *   carrier that retries a callback does;
 * - a re-order: an event held back and posted after the call's next event (or at `flush`, when the
 *   call has no next event), so e.g. `answered` arrives after `completed`.
 */
import {
  SIMULATOR_SIGNATURE_HEADER,
  signSimulatorRequest,
} from '#adapters/telephony/simulator/simulator-provider.ts';
import type { WebhookRequest } from '#ports/telephony.ts';
import type { Random } from './seed.ts';

export interface CallbackFaultCounts {
  delivered: number;
  duplicated: number;
  reordered: number;
}

const callOf = (req: WebhookRequest) => (JSON.parse(req.rawBody) as { callId: string }).callId;

/** The same event as a new request: a later timestamp in the body, signed again. */
const resent = (req: WebhookRequest, secret: string): WebhookRequest => {
  const body = JSON.parse(req.rawBody) as { at: string };
  const rawBody = JSON.stringify({ ...body, at: new Date(Date.parse(body.at) + 1).toISOString() });
  return {
    ...req,
    rawBody,
    headers: { ...req.headers, [SIMULATOR_SIGNATURE_HEADER]: signSimulatorRequest(secret, req.url, rawBody) },
  };
};

export const faultyCallbacks = (
  deliver: (req: WebhookRequest) => Promise<void>,
  options: { random: Random; duplicate: number; reorder: number; secret: string },
) => {
  const counts: CallbackFaultCounts = { delivered: 0, duplicated: 0, reordered: 0 };
  const held = new Map<string, WebhookRequest>();
  const post = async (req: WebhookRequest) => {
    counts.delivered++;
    await deliver(req);
  };
  return {
    counts,
    deliver: async (req: WebhookRequest) => {
      const call = callOf(req);
      const earlier = held.get(call);
      const draw = options.random();
      if (!earlier && draw < options.reorder) {
        counts.reordered++;
        held.set(call, req);
        return;
      }
      await post(req);
      if (earlier) {
        held.delete(call);
        await post(earlier);
      }
      if (draw >= options.reorder && draw < options.reorder + options.duplicate) {
        counts.duplicated++;
        await post(resent(req, options.secret));
      }
    },
    /** Posts every event still held back (late, after everything that followed it). */
    flush: async () => {
      const late = [...held.values()];
      held.clear();
      for (const req of late) await post(req);
    },
  };
};

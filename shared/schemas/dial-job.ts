import * as z from 'zod/mini';

/** The dial queue's message body. zod/mini: the dialer loads nothing of classic zod. */
const CallJobMessage = z.strictObject({
  campaigncallId: z.guid(),
  /** `abandon`: the delayed check of an answered caller waiting for an agent. */
  kind: z.optional(z.literal('abandon')),
  /** The campaign asks for answering-machine detection (an `amd` action). */
  machineDetection: z.optional(z.boolean()),
});

/** The delayed end of the wrap-up of the agent who took this attempt. */
const WrapUpEndMessage = z.strictObject({
  campaigncallId: z.guid(),
  kind: z.literal('wrapup-end'),
  wrapupUntil: z.string().check(z.minLength(1)),
});

export const DialJobMessage = z.union([CallJobMessage, WrapUpEndMessage]);

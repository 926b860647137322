import * as z from 'zod/mini';

/** The dial queue's message body. zod/mini: the dialer loads nothing of classic zod. */
export const DialJobMessage = z.strictObject({
  campaigncallId: z.guid(),
  /** `abandon`: the delayed check of an answered caller waiting for an agent. */
  kind: z.optional(z.literal('abandon')),
  /** The campaign asks for answering-machine detection (an `amd` action). */
  machineDetection: z.optional(z.boolean()),
});

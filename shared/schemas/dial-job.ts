import * as z from 'zod';

/** The dial queue's message body. */
export const DialJobMessage = z.strictObject({
  campaigncallId: z.guid(),
  /** The campaign asks for answering-machine detection (an `amd` action). */
  machineDetection: z.boolean().optional(),
});

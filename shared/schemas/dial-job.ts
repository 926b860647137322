import * as z from 'zod';

/** The dial queue's message body. */
export const DialJobMessage = z.strictObject({ campaigncallId: z.guid() });

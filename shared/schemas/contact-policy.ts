import * as z from 'zod/mini';
import { DEFAULT_REST_AFTER_ABANDON_HOURS, REST_AFTER_ABANDON_HOURS_MAX } from '#domain/abandon.ts';
import { DEFAULT_MAX_ABANDON_RATE, MAX_ABANDON_RATE_CEILING } from '#domain/dialing.ts';
import { CallingHours } from './campaign.ts';
import { withMeta } from './with-meta.ts';

const Days = z.number().check(z.int(), z.minimum(1), z.maximum(365));

/** All four limits, each null for "no limit": a PUT replaces the policy, so nothing is left implied. */
export const ContactPolicyInput = z
  .strictObject({
    max_attempts: z.nullable(z.number().check(z.int(), z.minimum(1), z.maximum(1000))).apply(withMeta, {
      description: 'most attempts to one person within per_days, across all campaigns; null: no cap',
    }),
    per_days: z.nullable(Days).apply(withMeta, { description: 'the window of max_attempts, in days' }),
    rest_after_contact_days: z.nullable(Days).apply(withMeta, {
      description: 'days without an attempt after one that reached the person (answered, not a machine)',
    }),
    calling_hours: z.nullable(CallingHours).apply(withMeta, {
      description: "hours every campaign stays within (a campaign's own narrow them); null: any time",
    }),
    max_abandon_rate_ceiling: z
      ._default(z.number().check(z.minimum(0), z.maximum(MAX_ABANDON_RATE_CEILING)), DEFAULT_MAX_ABANDON_RATE)
      .apply(withMeta, {
        description: `the most a predictive campaign's max_abandon_rate may be (default ${DEFAULT_MAX_ABANDON_RATE}, the FCC's and Ofcom's 3 %; at most ${MAX_ABANDON_RATE_CEILING}): raising it is the customer's explicit choice`,
      }),
    rest_after_abandon_hours: z
      ._default(
        z.nullable(z.number().check(z.int(), z.minimum(0), z.maximum(REST_AFTER_ABANDON_HOURS_MAX))),
        DEFAULT_REST_AFTER_ABANDON_HOURS,
      )
      .apply(withMeta, {
        description: `hours no campaign calls a person after a call to them was abandoned (default ${DEFAULT_REST_AFTER_ABANDON_HOURS}, also when left out); null or 0: no rest`,
      }),
  })
  .check(
    z.refine((p) => p.max_attempts === null || p.per_days !== null, {
      message: 'per_days is required with max_attempts',
      path: ['per_days'],
    }),
  )
  .apply(withMeta, { id: 'ContactPolicyInput' });

export const ContactPolicy = z
  .object({
    customer_id: z.string(),
    max_attempts: z.nullable(z.number()),
    per_days: z.nullable(z.number()),
    rest_after_contact_days: z.nullable(z.number()),
    calling_hours: z.nullable(CallingHours),
    max_abandon_rate_ceiling: z.number(),
    rest_after_abandon_hours: z.nullable(z.number()),
    tm_update: z.nullable(z.string()),
  })
  .apply(withMeta, { id: 'ContactPolicy' });

export const ContactParams = z.strictObject({
  number: z.string().apply(withMeta, { description: 'the phone number, written in any common form' }),
});

/** Our addition: why a person was or was not called, and when they may be called next. */
export const Contact = z
  .object({
    number: z.string().apply(withMeta, { description: 'E.164, as normalised' }),
    attempts_in_window: z.nullable(z.number()).apply(withMeta, {
      description:
        "attempts within the policy's per_days, across campaigns; null while the policy has no cap",
    }),
    last_contact: z.nullable(z.string()).apply(withMeta, {
      description: 'end of the last attempt that reached the person (answered, not a machine)',
    }),
    on_call: z.boolean(),
    suppression: z.nullable(
      z.object({ id: z.string(), expire_at: z.nullable(z.string()), in_force: z.boolean() }),
    ),
    next_allowed_at: z.nullable(z.string()).apply(withMeta, {
      description:
        'when the person may be called next (now, if allowed); null: not until a suppression is removed',
    }),
    last_abandoned: z.nullable(z.string()).apply(withMeta, {
      description: 'end of the last call to the person that was abandoned (no agent was free)',
    }),
    reason: z.nullable(z.enum(['suppressed', 'capped', 'abandoned_rest', 'on_call'])).apply(withMeta, {
      description:
        'what holds the person back now (abandoned_rest: the rest after an abandoned call); null: allowed now',
    }),
  })
  .apply(withMeta, { id: 'Contact' });

import * as z from 'zod';
import { CallingHours } from './campaign.ts';

const Days = z.number().int().min(1).max(365);

/** All four fields, each null for "no limit": a PUT replaces the policy, so nothing is left implied. */
export const ContactPolicyInput = z
  .strictObject({
    max_attempts: z.number().int().min(1).max(1000).nullable().meta({
      description: 'most attempts to one person within per_days, across all campaigns; null: no cap',
    }),
    per_days: Days.nullable().meta({ description: 'the window of max_attempts, in days' }),
    rest_after_contact_days: Days.nullable().meta({
      description: 'days without an attempt after one that reached the person (answered, not a machine)',
    }),
    calling_hours: CallingHours.nullable().meta({
      description: "hours every campaign stays within (a campaign's own narrow them); null: any time",
    }),
  })
  .refine((p) => p.max_attempts === null || p.per_days !== null, {
    message: 'per_days is required with max_attempts',
    path: ['per_days'],
  })
  .meta({ id: 'ContactPolicyInput' });

export const ContactPolicy = z
  .object({
    customer_id: z.string(),
    max_attempts: z.number().nullable(),
    per_days: z.number().nullable(),
    rest_after_contact_days: z.number().nullable(),
    calling_hours: CallingHours.nullable(),
    tm_update: z.string().nullable(),
  })
  .meta({ id: 'ContactPolicy' });

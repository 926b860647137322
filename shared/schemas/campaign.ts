import * as z from 'zod/mini';
import {
  ABANDON_AFTER_MS_BOUNDS,
  ABANDON_MESSAGE_ACTIONS,
  ABANDON_MESSAGE_MAX_ACTIONS,
  DEFAULT_ABANDON_AFTER_MS,
} from '#domain/abandon.ts';
import { OPT_OUT_ACTION } from '#domain/action.ts';
import { CALLEE_TIME_ZONE, isTimeZone } from '#domain/calling-hours.ts';
import { campaignStatuses, campaignTypes, endHandles } from '#domain/campaign.ts';
import { FAILURE_REASONS } from '#domain/campaign-stats.ts';
import { campaigncallStatuses } from '#domain/campaigncall.ts';
import { diagnosisCodes } from '#domain/diagnosis.ts';
import {
  availableDialingModes,
  DEFAULT_DIALING_MODE,
  DEFAULT_MAX_ABANDON_RATE,
  DEFAULT_MAX_CONCURRENT_CALLS,
  dialingModes,
  MAX_ABANDON_RATE_CEILING,
} from '#domain/dialing.ts';
import { HOLD_REASONS, type HoldReason } from '#domain/holds.ts';
import { Action, ActionInput, Address, Detail, Name, ReferenceId, strings, Timestamps } from './common.ts';
import { TargetsByState } from './outdial.ts';
import { storedSizeOf } from './storable-json.ts';
import { withMeta } from './with-meta.ts';

const ServiceLevel = z
  .number()
  .check(z.int(), z.minimum(0), z.maximum(100))
  .apply(withMeta, {
    description:
      'pacing percentage: with a queue, calls start while floor(available agents × service_level / 100) ' +
      'exceeds the calls ringing; unused without a queue',
  });
/** Room the actions may take in the campaign item (400 KB in all), the other fields needing ~15 KB. */
export const MAX_STORED_ACTIONS_BYTES = 300 * 1024;
const Actions = z
  .array(ActionInput)
  .check(z.maxLength(100))
  .check(
    z.refine((actions) => storedSizeOf(actions) <= MAX_STORED_ACTIONS_BYTES, {
      message: `the actions would take more than ${MAX_STORED_ACTIONS_BYTES} bytes stored`,
    }),
    // One prompt, one key: a second opt_out would leave which key counts to chance.
    z.refine((actions) => actions.filter((a) => a.type === OPT_OUT_ACTION).length <= 1, {
      message: 'at most one action of type opt_out',
    }),
  );
/** Outbound's addition: caps open attempts of a campaign without a queue (VoIPBIN has no cap). */
const MaxConcurrentCalls = z
  .number()
  .check(z.int(), z.minimum(1), z.maximum(1000))
  .apply(withMeta, {
    description: `most open attempts at once when the campaign has no queue (default ${DEFAULT_MAX_CONCURRENT_CALLS})`,
  });

/** Outbound's addition: how new calls are paced. */
const DialingMode = z
  .enum(availableDialingModes, {
    error: 'unsupported dialing_mode: use service_level, progressive, agentless or predictive',
  })
  .apply(withMeta, {
    description:
      'service_level (default): calls ring while floor(available agents × service_level / 100) exceeds the calls ' +
      'ringing (max_concurrent_calls without a queue); progressive: at most one call ringing per available agent; ' +
      'agentless: no queue, at most max_concurrent_calls open at once; predictive: calls ring ahead of agents ' +
      'becoming free, from the measured answer rate, ring and talk times, under max_abandon_rate and ' +
      'max_concurrent_calls (needs a queue, like progressive)',
  });
/** Outbound's addition: predictive dialing's bound on abandoned calls / calls a person answered. */
const MaxAbandonRate = z
  .number()
  .check(z.minimum(0), z.maximum(MAX_ABANDON_RATE_CEILING))
  .apply(withMeta, {
    description:
      `predictive: most abandoned calls (a person answered, no agent in time) per call a person answered; ` +
      `default ${DEFAULT_MAX_ABANDON_RATE}, at most ${DEFAULT_MAX_ABANDON_RATE} unless the customer's contact ` +
      `policy raises max_abandon_rate_ceiling (up to ${MAX_ABANDON_RATE_CEILING})`,
  });

/** Outbound's addition: how long an answered caller may wait for an agent before being abandoned. */
const AbandonAfterMs = z
  .number()
  .check(z.int(), z.minimum(ABANDON_AFTER_MS_BOUNDS.min), z.maximum(ABANDON_AFTER_MS_BOUNDS.max))
  .apply(withMeta, {
    description: `milliseconds an answered caller (a person) may wait for an agent of the queue; then the abandon_message plays and the call ends as abandoned (default ${DEFAULT_ABANDON_AFTER_MS})`,
  });
const nonEmptyText = z.string().check(z.trim(), z.minLength(1), z.maxLength(1000));
/** The option each kind of abandon message action needs, so the carrier can play it. */
const abandonOptions: Record<(typeof ABANDON_MESSAGE_ACTIONS)[number], z.ZodMiniType> = {
  talk: z.object({ text: nonEmptyText, language: z.optional(z.string().check(z.maxLength(35))) }),
  play: z.object({
    stream_urls: z
      .array(z.string().check(z.regex(/^https?:\/\/\S+$/, 'an http(s) URL'), z.maxLength(1000)))
      .check(z.minLength(1), z.maxLength(5)),
  }),
  sleep: z.object({ duration: z.number().check(z.int(), z.minimum(1), z.maximum(10_000)) }),
};
/** Outbound's addition: a short message for an abandoned caller (talk, play, sleep only). */
const AbandonMessage = z
  .array(ActionInput)
  .check(
    z.maxLength(ABANDON_MESSAGE_MAX_ACTIONS),
    z.superRefine((actions, ctx) => {
      actions.forEach((action, i) => {
        // Own keys only: a type such as "valueOf" must not find Object.prototype's method.
        const option = Object.hasOwn(abandonOptions, action.type)
          ? abandonOptions[action.type as keyof typeof abandonOptions]
          : undefined;
        if (!option) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'type'],
            message: `an abandon message plays only ${ABANDON_MESSAGE_ACTIONS.join(', ')}`,
          });
          return;
        }
        const parsed = z.safeParse(option, action.option);
        for (const issue of parsed.error?.issues ?? []) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'option', ...issue.path],
            message: issue.message,
          });
        }
      });
    }),
  )
  .apply(withMeta, {
    description: `what an abandoned caller hears before the call ends: at most ${ABANDON_MESSAGE_MAX_ACTIONS} actions of type talk {text}, play {stream_urls} or sleep {duration ms}; e.g. who called and a number to call back (default none)`,
  });

const HHMM = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour'));
/** Outbound's addition: when new calls may start, in the campaign's time zone. */
export const CallingHours = z
  .strictObject({
    timezone: z
      .string()
      .check(
        z.refine(
          (tz) => tz === CALLEE_TIME_ZONE || isTimeZone(tz),
          `an IANA time zone, e.g. America/New_York, or "${CALLEE_TIME_ZONE}"`,
        ),
      )
      .apply(withMeta, {
        description: `IANA time zone of the window, or "${CALLEE_TIME_ZONE}": each called person's own local time`,
      }),
    days: z
      .array(z.number().check(z.int(), z.minimum(1), z.maximum(7)))
      .check(z.minLength(1), z.maxLength(7)),
    start: HHMM,
    end: HHMM,
  })
  // An end before the start runs past midnight (22:00–02:00); an empty window is a mistake.
  .check(z.refine((h) => h.start !== h.end, { message: 'end must differ from start', path: ['end'] }))
  .apply(withMeta, {
    id: 'CallingHours',
    description:
      'new calls start only on these ISO weekdays (1 = Monday) between start (inclusive) and end (exclusive), local time; an end before the start runs past midnight; calls in flight finish',
  });

const basic = {
  name: Name,
  detail: Detail,
  type: z.enum(campaignTypes),
  service_level: ServiceLevel,
  end_handle: z.enum(endHandles),
};
const resources = {
  outplan_id: ReferenceId,
  outdial_id: ReferenceId,
  queue_id: ReferenceId,
  next_campaign_id: ReferenceId,
};

export const CreateCampaign = z
  .strictObject({
    ...basic,
    actions: z._default(Actions, []),
    ...resources,
    max_concurrent_calls: z._default(MaxConcurrentCalls, DEFAULT_MAX_CONCURRENT_CALLS),
    calling_hours: z._default(z.nullable(CallingHours), null),
    dialing_mode: z._default(DialingMode, DEFAULT_DIALING_MODE),
    max_abandon_rate: z._default(MaxAbandonRate, DEFAULT_MAX_ABANDON_RATE),
    abandon_after_ms: z._default(AbandonAfterMs, DEFAULT_ABANDON_AFTER_MS),
    abandon_message: z._default(AbandonMessage, []),
  })
  .apply(withMeta, { id: 'CreateCampaign' });
/** All five are overwritten, as in VoIPBIN, so detail is required here: omitting it must not blank it. */
export const UpdateCampaign = z
  .strictObject({
    ...basic,
    detail: z.string().check(z.maxLength(4096)),
    max_concurrent_calls: z.optional(MaxConcurrentCalls),
    calling_hours: z.optional(z.nullable(CallingHours)),
    dialing_mode: z.optional(DialingMode),
    max_abandon_rate: z.optional(MaxAbandonRate),
    abandon_after_ms: z.optional(AbandonAfterMs),
    abandon_message: z.optional(AbandonMessage),
  })
  .apply(withMeta, { id: 'UpdateCampaign' });
export const UpdateCampaignStatus = z
  .strictObject({
    status: z.enum(['run', 'stop'], { message: 'unsupported status: use run or stop' }),
    /** Outbound's addition: end calls in flight instead of letting them finish. */
    force: z.optional(z.boolean()).apply(withMeta, {
      description: 'with stop: hang up calls in flight and cancel the ones not yet placed',
    }),
  })
  .check(
    z.refine((b) => !b.force || b.status === 'stop', {
      message: 'force applies to stop only',
      path: ['force'],
    }),
  )
  .apply(withMeta, { id: 'UpdateCampaignStatus' });
export const UpdateServiceLevel = z
  .strictObject({ service_level: ServiceLevel })
  .apply(withMeta, { id: 'UpdateCampaignServiceLevel' });
export const UpdateActions = z
  .strictObject({ actions: Actions })
  .apply(withMeta, { id: 'UpdateCampaignActions' });
export const UpdateResourceInfo = z
  .strictObject(resources)
  .apply(withMeta, { id: 'UpdateCampaignResourceInfo' });
export const UpdateNextCampaign = z
  .strictObject({ next_campaign_id: ReferenceId })
  .apply(withMeta, { id: 'UpdateCampaignNextCampaignId' });

export const Campaign = z
  .object({
    ...strings('id', 'customer_id'),
    type: z.enum(campaignTypes),
    ...strings('name', 'detail'),
    status: z.enum(campaignStatuses),
    service_level: z.number(),
    end_handle: z.enum(endHandles),
    actions: z.array(Action),
    ...strings('outplan_id', 'outdial_id', 'queue_id', 'next_campaign_id'),
    max_concurrent_calls: z.number(),
    calling_hours: z.nullable(CallingHours),
    dialing_mode: z.enum(dialingModes),
    max_abandon_rate: z.number(),
    abandon_after_ms: z.number(),
    abandon_message: z.array(Action),
    ...Timestamps,
  })
  .apply(withMeta, { id: 'Campaign' });

const Count = z.number().check(z.int());
const counting = (description: string) => Count.apply(withMeta, { description });
const rate = (description: string) => z.nullable(z.number()).apply(withMeta, { description });
/** Outbound's addition: a campaign's rates over a window, from its hour and day sums. */
const CallRates = z
  .object({
    answer_rate: rate('attempts a person (not a machine) answered / attempts ended; null before any ended'),
    abandon_rate: rate(
      'abandoned (a person answered, no agent in time) / attempts a person answered; null before any answer',
    ),
    dials_per_minute: rate('attempts started per minute over the window (since the campaign was created)'),
    agent_occupancy: rate(
      "talking / logged-in time of the queue's agents, logged-in time sampled per tick; null without a queue (see docs/behaviour.md, Stats rates)",
    ),
    dialed: counting('attempts started in the window'),
    ended: counting('attempts ended in the window'),
    human_answered: counting('attempts ended after a person answered'),
    abandoned: counting('attempts abandoned'),
  })
  .apply(withMeta, { id: 'CampaignRates' });
/** Outbound's addition: a campaign's running totals, over all its runs. */
export const CampaignStats = z
  .object({
    campaign_id: z.string(),
    attempts: counting('attempts started'),
    in_flight: counting('attempts open now (ringing or answered)'),
    ringing: counting('attempts ringing now'),
    answered: counting('attempts the carrier reported answered'),
    succeeded: counting('attempts with result success'),
    failed: counting('attempts with result fail'),
    failed_by_reason: z.object(
      Object.fromEntries(FAILURE_REASONS.map((r) => [r, Count])) as Record<
        (typeof FAILURE_REASONS)[number],
        typeof Count
      >,
    ),
    skipped: z
      .object(Object.fromEntries(HOLD_REASONS.map((r) => [r, Count])) as Record<HoldReason, typeof Count>)
      .apply(withMeta, {
        description:
          "destinations skipped or held back when their turn came (no try spent): suppressed, outside the callee's calling hours, capped by the contact policy",
      }),
    rates: z.object({ last_24h: CallRates, last_30d: CallRates }).apply(withMeta, {
      description:
        'our addition: rates over the last 24 hours (this hour and the 23 before) and 30 days (today and the 29 before, UTC)',
    }),
    targets: z.nullable(TargetsByState).apply(withMeta, {
      description:
        "the campaign's list now, by target state (its outdial's targets_by_state): progress is done of total; null without a list, or for a list from before these counts until the backfill",
    }),
  })
  .apply(withMeta, { id: 'CampaignStats' });

/** Outbound's addition: why the engine is or is not starting calls, as its last tick decided. */
export const CampaignDiagnosis = z
  .object({
    dialing: z.boolean().apply(withMeta, { description: 'whether the last tick started calls' }),
    reasons: z.array(
      z.object({
        code: z.enum(diagnosisCodes),
        message: z.string(),
        until: z
          .optional(z.string())
          .apply(withMeta, { description: 'the earliest time this reason ends, when known' }),
      }),
    ),
    decided_at: z
      .nullable(z.string())
      .apply(withMeta, { description: 'since when the engine has decided this' }),
  })
  .apply(withMeta, { id: 'CampaignDiagnosis' });

const finish = (description: string) => z.nullable(z.string()).apply(withMeta, { description });
/** Outbound's addition: what is left of the list and when it should be done, from measured rates. */
export const CampaignForecast = z
  .object({
    campaign_id: z.string(),
    targets_left: counting('targets still to call: idle, with tries left'),
    in_flight: counting('attempts open now'),
    attempts_possible: counting('most attempts still possible: the tries left on every target'),
    attempts_expected: z.number().apply(withMeta, { description: 'attempts expected at the success rate' }),
    success_rate: z.number().apply(withMeta, {
      description:
        'share of attempts that succeed: measured on the latest attempts, with a prior before there are many',
    }),
    attempts_per_minute: z
      .number()
      .apply(withMeta, { description: 'dialing pace, measured or from the pacing now' }),
    basis: z.enum(['measured', 'defaults']),
    estimated_finish: finish('when the list should be done; null when nothing can dial now (e.g. no agent)'),
    earliest_finish: finish('early end of the range'),
    latest_finish: finish('late end of the range'),
  })
  .apply(withMeta, { id: 'CampaignForecast' });

export const Campaigncall = z
  .object({
    ...strings(
      'id',
      'customer_id',
      'campaign_id',
      'outplan_id',
      'outdial_id',
      'outdial_target_id',
      'queue_id',
      'activeflow_id',
      'flow_id',
    ),
    reference_type: z.enum(['none', 'call', 'flow']),
    reference_id: z.string(),
    status: z.enum(campaigncallStatuses),
    result: z.enum(['', 'success', 'fail']),
    source: Address,
    destination: Address,
    destination_index: z.number(),
    try_count: z.number(),
    compliance: z.nullable(
      z
        .object({
          suppressed: z.boolean(),
          policy: z.nullable(
            z.object({
              max_attempts: z.nullable(z.number()),
              per_days: z.nullable(z.number()),
              rest_after_contact_days: z.nullable(z.number()),
            }),
          ),
          attempts_in_window: z.nullable(z.number()),
          callee: z.nullable(
            z
              .object({
                zones: z.array(z.string()).apply(withMeta, {
                  description: 'the first few (at most 3) zones the destination was checked in',
                }),
                zone_count: z.number().apply(withMeta, {
                  description: 'how many zones were checked (0: none known, so the window never opens)',
                }),
                local_time: z.nullable(z.string()).apply(withMeta, {
                  description:
                    "the person's local date and time with its offset (`2026-12-07T09:05-05:00`) when one zone was checked; null with several",
                }),
              })
              .apply(withMeta, {
                id: 'CampaigncallCallee',
                description:
                  "what the calling-hours check saw of the called person, when a window in the callee's time was in force (our addition); null otherwise",
              }),
          ),
        })
        .apply(withMeta, {
          id: 'CampaigncallCompliance',
          description:
            'what the compliance checks saw when the attempt was claimed (our addition); null on attempts opened before them',
        }),
    ),
    opt_out: z.nullable(
      z.object({ digit: z.string(), at: z.string() }).apply(withMeta, {
        id: 'CampaigncallOptOut',
        description:
          'our addition: the opt-out key the person pressed during this call and when (the number was then suppressed); null otherwise',
      }),
    ),
    ...Timestamps,
  })
  .apply(withMeta, { id: 'Campaigncall' });

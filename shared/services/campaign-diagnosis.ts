/**
 * "Why is nothing dialing?" (see docs/behaviour.md, Diagnosis): the campaign's status says whether it
 * runs at all; for a running one, the reasons are those its last tick decided and kept, not a second
 * guess made here.
 */
import type { DiagnosisReason, TickDecision } from '#domain/diagnosis.ts';
import { isNil } from '#domain/ids.ts';
import type { Deps } from './deps.ts';
import { loadOwned } from './owned.ts';

export interface Diagnosis {
  dialing: boolean;
  reasons: DiagnosisReason[];
  /** Since when the tick has decided this; null before its first tick. */
  decided_at: string | null;
}

export const getCampaignDiagnosis = async (
  deps: Deps,
  customerId: string,
  id: string,
): Promise<Diagnosis> => {
  const campaign = await loadOwned(deps, 'campaign', customerId, id);
  const decision = campaign._decision as TickDecision | undefined;
  const decidedAt = decision?.at ?? null;
  if (campaign.status === 'stop') {
    // How it came to stop is worth keeping: a list that ran out is the usual case.
    const done = decision?.reasons.filter((r) => r.code === 'list_done') ?? [];
    return {
      dialing: false,
      reasons: [{ code: 'stopped', message: 'the campaign is stopped' }, ...done],
      decided_at: decidedAt,
    };
  }
  if (campaign.status === 'stopping')
    return {
      dialing: false,
      reasons: [{ code: 'stopping', message: 'stopping: calls in flight finish, none starts' }],
      decided_at: decidedAt,
    };
  const missing: DiagnosisReason[] = [
    ...(isNil(String(campaign.outplan_id))
      ? [{ code: 'no_outplan' as const, message: 'the campaign has no outplan' }]
      : []),
    ...(isNil(String(campaign.outdial_id))
      ? [{ code: 'no_outdial' as const, message: 'the campaign has no outdial (list)' }]
      : []),
  ];
  if (missing.length) return { dialing: false, reasons: missing, decided_at: decidedAt };
  if (!decision)
    return {
      dialing: false,
      reasons: [
        { code: 'not_ticked_yet', message: 'the engine has not looked at the campaign since it started' },
      ],
      decided_at: null,
    };
  return { dialing: decision.dialing, reasons: decision.reasons, decided_at: decision.at };
};

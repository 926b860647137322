/** The dial queue: one job per claimed attempt. The dialer is idempotent per campaigncall id. */
export interface DialJob {
  campaigncallId: string;
  /**
   * `abandon`: not a placement but the check, sent delayed when an answered caller starts waiting for
   * an agent, that abandons the caller if still waiting (see abandon-call.ts). `wrapup-end`: not a
   * placement but the end of the wrap-up of the agent who took this attempt, sent delayed when the
   * wrap-up starts (see wrapup-end.ts). Absent: place the call.
   */
  kind?: 'abandon' | 'wrapup-end';
  /** Ask the carrier for answering-machine detection: the campaign has an `amd` action. */
  machineDetection?: boolean;
  /** `wrapup-end`: when the agent's wrap-up ends, as its item holds it (the end changes only that one). */
  wrapupUntil?: string;
}

export interface DialQueue {
  send(jobs: DialJob[]): Promise<void>;
  /** Sends one job that becomes visible only after `delayMs` (whole seconds, rounded up; at most 15 min). */
  sendLater(job: DialJob, delayMs: number): Promise<void>;
  /**
   * Brings a received job back after `delayMs` instead of the queue's full visibility timeout: a job
   * the carrier throttled is due again when its budget allows, not minutes later.
   */
  postpone?(receiptHandle: string, delayMs: number): Promise<void>;
}

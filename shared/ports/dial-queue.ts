/** The dial queue: one job per claimed attempt. The dialer is idempotent per campaigncall id. */
export interface DialJob {
  campaigncallId: string;
  /** Ask the carrier for answering-machine detection: the campaign has an `amd` action. */
  machineDetection?: boolean;
}

export interface DialQueue {
  send(jobs: DialJob[]): Promise<void>;
  /**
   * Brings a received job back after `delayMs` instead of the queue's full visibility timeout: a job
   * the carrier throttled is due again when its budget allows, not minutes later.
   */
  postpone?(receiptHandle: string, delayMs: number): Promise<void>;
}

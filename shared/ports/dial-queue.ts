/** The dial queue: one job per claimed attempt. The dialer is idempotent per campaigncall id. */
export interface DialJob {
  campaigncallId: string;
  /** Ask the carrier for answering-machine detection: the campaign has an `amd` action. */
  machineDetection?: boolean;
}

export interface DialQueue {
  send(jobs: DialJob[]): Promise<void>;
}

/** The dial queue: one job per claimed attempt. The dialer is idempotent per campaigncall id. */
export interface DialJob {
  campaigncallId: string;
}

export interface DialQueue {
  send(jobs: DialJob[]): Promise<void>;
}

/** Outgoing webhook HTTP calls and their signatures, as ports so the delivery use case stays pure. */

export interface WebhookPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The whole call (connect, send, answer) is abandoned after this. */
  timeoutMs: number;
  /** Refuse (never connect) when the host resolves to a private, link-local or loopback address. */
  refusePrivateAddresses: boolean;
}

export type WebhookResult =
  /** The receiver answered (any status). */
  | { kind: 'answered'; status: number }
  /** No answer: connection refused or reset, DNS failure, timeout. Worth another try. */
  | { kind: 'failed'; reason: string }
  /** Not sent, and sending again will not help (the address is not allowed). */
  | { kind: 'refused'; reason: string };

export interface WebhookSender {
  post(req: WebhookPost): Promise<WebhookResult>;
}

export interface WebhookSigner {
  /** Hex HMAC-SHA256 of `payload` keyed by `secret`. */
  sign(secret: string, payload: string): string;
}

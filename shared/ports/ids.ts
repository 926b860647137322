/** Randomness and hashing as a port so services stay free of runtime modules and tests can pin ids. */
export interface IdSource {
  uuid(): string;
  /** A new secret access key. */
  token(): string;
  /** One-way hash under which a key is stored and looked up. */
  hash(token: string): string;
}

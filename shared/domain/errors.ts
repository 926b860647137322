/** Domain errors: services throw these; shared/http maps them to the error envelope once, by instanceof. */
export type ErrorStatus =
  | 'INVALID_ARGUMENT'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'FAILED_PRECONDITION'
  | 'PAYLOAD_TOO_LARGE'
  | 'RESOURCE_EXHAUSTED'
  | 'INTERNAL';

export interface ErrorDetail {
  field?: string;
  issue: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: ErrorStatus;
  abstract readonly httpStatus: number;
  constructor(
    readonly reason: string,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends DomainError {
  readonly status = 'INVALID_ARGUMENT';
  readonly httpStatus = 400;
  constructor(message: string, details?: ErrorDetail[], reason = 'INVALID_ARGUMENT') {
    super(reason, message, details);
  }
}

export class InvalidId extends ValidationFailed {
  constructor(field: string) {
    super(`${field} must be a UUID`, [{ field, issue: 'not a UUID' }], 'INVALID_ID');
  }
}

export class InvalidJsonBody extends ValidationFailed {
  constructor() {
    super('The request body is not valid JSON', undefined, 'INVALID_JSON_BODY');
  }
}

export class Unauthenticated extends DomainError {
  readonly status = 'UNAUTHENTICATED';
  readonly httpStatus = 401;
}

export class Forbidden extends DomainError {
  readonly status = 'PERMISSION_DENIED';
  readonly httpStatus = 403;
  constructor(message = 'You do not have permission to access this resource', reason = 'PERMISSION_DENIED') {
    super(reason, message);
  }
}

export class NotFound extends DomainError {
  readonly status = 'NOT_FOUND';
  readonly httpStatus = 404;
}

export class Conflict extends DomainError {
  readonly status = 'FAILED_PRECONDITION';
  readonly httpStatus = 409;
}

export class PayloadTooLarge extends DomainError {
  readonly status = 'PAYLOAD_TOO_LARGE';
  readonly httpStatus = 413;
  constructor(limitBytes: number) {
    super('PAYLOAD_TOO_LARGE', `The request body exceeds ${limitBytes} bytes`);
  }
}

/** The resource kinds the API exposes, with their NOT_FOUND reasons. */
export const notFoundReason = {
  campaign: 'CAMPAIGN_NOT_FOUND',
  campaigncall: 'CAMPAIGNCALL_NOT_FOUND',
  outplan: 'OUTPLAN_NOT_FOUND',
  outdial: 'OUTDIAL_NOT_FOUND',
  outdialtarget: 'OUTDIAL_TARGET_NOT_FOUND',
  queue: 'QUEUE_NOT_FOUND',
  agent: 'AGENT_NOT_FOUND',
  accesskey: 'ACCESSKEY_NOT_FOUND',
  customer: 'CUSTOMER_NOT_FOUND',
  suppression: 'SUPPRESSION_NOT_FOUND',
} as const;
export type ResourceKind = keyof typeof notFoundReason;

export const notFound = (kind: ResourceKind) =>
  new NotFound(notFoundReason[kind], `The ${kind} was not found`);

export const resourceDeleted = (kind: ResourceKind) =>
  new Conflict('RESOURCE_DELETED', `The ${kind} is deleted and cannot be changed`);

export const resourceInUse = (kind: ResourceKind) =>
  new Conflict('RESOURCE_IN_USE', `The ${kind} is used by a campaign and cannot be deleted`);

/** The Idempotency-Key was used before with a different request (IETF draft: 422). */
export class IdempotencyKeyReused extends DomainError {
  readonly status = 'INVALID_ARGUMENT';
  readonly httpStatus = 422;
  constructor() {
    super(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used with a different request; use a new key for a new request',
    );
  }
}

/** A request with the same Idempotency-Key is still running (IETF draft: 409); retry a moment later. */
export class IdempotentRequestInProgress extends Conflict {
  constructor() {
    super(
      'REQUEST_IN_PROGRESS',
      'A request with this Idempotency-Key is still being processed; retry shortly',
    );
  }
}

import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError, type ErrorDetail } from '#domain/errors.ts';
import { TooManyRequests } from '#domain/request-budget.ts';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: JSON_HEADERS,
  body: JSON.stringify(body),
});

export interface ErrorEnvelope {
  error: { status: string; reason: string; message: string; request_id: string; details?: ErrorDetail[] };
}

/**
 * The error envelope (see docs/behaviour.md, "Errors"). Domain errors show their own safe message;
 * anything else is a 500 that says nothing about its cause (the log has it, under the same request id).
 */
export const errorResponse = (err: unknown, requestId: string): APIGatewayProxyStructuredResultV2 => {
  if (err instanceof DomainError) {
    const body: ErrorEnvelope = {
      error: { status: err.status, reason: err.reason, message: err.message, request_id: requestId },
    };
    if (err.details?.length) body.error.details = err.details;
    const out = json(err.httpStatus, body);
    if (err instanceof TooManyRequests)
      out.headers = { ...out.headers, 'retry-after': String(err.retryAfterSeconds) };
    return out;
  }
  return json(500, {
    error: {
      status: 'INTERNAL',
      reason: 'INTERNAL',
      message: 'An internal error occurred',
      request_id: requestId,
    },
  } satisfies ErrorEnvelope);
};

import { expect } from 'vitest';
import type { Reply } from './local-api.ts';

/** Shared assertions of API tests: the §6.4 envelope, field-naming 400s, 403s that leak nothing. */

export const MICROS_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
export const asTimestamp = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');

export const expectError = (res: Reply, http: number, status: string, reason: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(http);
  expect(res.body.error).toMatchObject({ status, reason, message: expect.any(String) });
  expect(res.body.error.request_id).toEqual(expect.any(String));
};

export const fieldsOf = (res: Reply): string[] =>
  (res.body.error.details ?? []).map((d: { field: string }) => d.field);

export const expectInvalid = (res: Reply, field: string) => {
  expectError(res, 400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
  expect(fieldsOf(res)).toContain(field);
};

/** 403 with the bare envelope: nothing of the other customer's resource in it. */
export const expectDeniedWithoutLeak = (res: Reply, secrets: string[]) => {
  expect(res.status).toBe(403);
  expect(res.body).toEqual({
    error: {
      status: 'PERMISSION_DENIED',
      reason: 'PERMISSION_DENIED',
      message: expect.any(String),
      request_id: expect.any(String),
    },
  });
  const text = JSON.stringify(res.body);
  for (const secret of secrets) expect(text).not.toContain(secret);
};

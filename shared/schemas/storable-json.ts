/**
 * Free-form JSON the API keeps (an action's `option`) must be something DynamoDB can store, or the write
 * fails after validation and the client gets a 500 for its own input. These rules refuse such values at
 * the edge with a 400 naming the field. Each limit was probed on DynamoDB Local
 * (test/api/dynamodb-limits.test.ts) and is at or inside the documented DynamoDB one.
 */
import * as z from 'zod/mini';
import { withMeta } from './with-meta.ts';

/**
 * Levels of maps and lists one stored attribute may hold, the attribute itself included: DynamoDB
 * documents 32 levels counting the item; DynamoDB Local refuses the 32nd level below an attribute.
 */
export const STORED_NESTING_LIMIT = 31;

/**
 * Longest map key, in UTF-8 bytes. DynamoDB documents 64 KB for attribute names, but DynamoDB Local
 * fails (InternalFailure, a 500) from about 50 KB: 32 KB leaves room and is far beyond any real key.
 */
export const MAX_KEY_BYTES = 32 * 1024;

/**
 * The number rule. A JSON number reaches us as a JS double, so it has at most 17 significant digits
 * (DynamoDB keeps 38) and any value DynamoDB's range allows must also satisfy:
 * - |n| ≤ 2^53 − 1: above it a double is not exactly the integer the client wrote (9007199254740993
 *   arrives as …992) and the SDK refuses to write it; this bound is far inside DynamoDB's 9.99…E+125;
 * - n = 0 or |n| ≥ 1E-130: DynamoDB's smallest magnitude (1e-320 underflows).
 * A client needing other numbers sends them as strings.
 */
export const numberIssue = (n: number): string | undefined => {
  if (!Number.isFinite(n)) return 'must be a finite number';
  if (Math.abs(n) > Number.MAX_SAFE_INTEGER)
    return 'a number beyond ±9007199254740991 (2^53 − 1) cannot be kept exactly; send it as a string';
  if (n !== 0 && Math.abs(n) < 1e-130)
    return 'a number closer to 0 than 1e-130 cannot be stored; send 0 or a string';
  return undefined;
};

/** A lone UTF-16 surrogate cannot be written as UTF-8: DynamoDB fails on it in a key, mangles it in a value. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const keyIssue = (key: string): string | undefined => {
  if (key === '') return 'an empty key cannot be stored';
  // JSON.parse makes it an own key, but any plain object treats it as the prototype: it would be lost.
  if (key === '__proto__') return 'the key __proto__ is reserved';
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return `a key longer than ${MAX_KEY_BYTES} bytes`;
  if (LONE_SURROGATE.test(key)) return 'a key with an unpaired surrogate is not valid Unicode';
  return undefined;
};

export interface StorableIssue {
  path: (string | number)[];
  message: string;
}

/** Enough to fix a request; a hostile body with thousands of bad values does not get thousands back. */
const MAX_ISSUES = 10;

/**
 * Every place in `value` DynamoDB cannot store, up to MAX_ISSUES. `maxDepth` counts the value itself
 * as one level when it is a map or list.
 */
export const storableIssues = (value: unknown, maxDepth: number): StorableIssue[] => {
  const issues: StorableIssue[] = [];
  const walk = (v: unknown, path: (string | number)[], depth: number) => {
    if (issues.length >= MAX_ISSUES) return;
    const fail = (message: string) => {
      issues.push({ path, message });
    };
    if (typeof v === 'number') {
      const issue = numberIssue(v);
      if (issue) fail(issue);
      return;
    }
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) fail('a string with an unpaired surrogate is not valid Unicode');
      return;
    }
    if (v === null || typeof v === 'boolean') return;
    if (typeof v !== 'object') return fail('must be JSON');
    if (depth + 1 > maxDepth) return fail(`nests deeper than ${maxDepth} levels`);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length && issues.length < MAX_ISSUES; i++) walk(v[i], [...path, i], depth + 1);
      return;
    }
    for (const [key, item] of Object.entries(v)) {
      const issue = keyIssue(key);
      // A bad key is named by its parent's path: the key itself may be empty or 50 KB long.
      if (issue) fail(issue);
      else walk(item, [...path, key], depth + 1);
      if (issues.length >= MAX_ISSUES) return;
    }
  };
  walk(value, [], 0);
  return issues;
};

/**
 * A zod schema for free-form JSON DynamoDB can store: the raw input is checked before `inner` parses it
 * (zod's record drops a `__proto__` key, so the check must see the input). `levelsAbove` is how deep
 * the value sits in its stored attribute (an action's option: the actions list, then the action map).
 */
export const storableJson = <T extends z.ZodMiniType>(inner: T, levelsAbove: number) => {
  const maxDepth = STORED_NESTING_LIMIT - levelsAbove;
  const schema = z
    .pipe(
      z.unknown().check(
        z.superRefine((value, ctx) => {
          for (const issue of storableIssues(value, maxDepth)) {
            ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
          }
        }),
      ),
      inner,
    )
    .apply(withMeta, {
      description: `any JSON DynamoDB can store: at most ${maxDepth} levels deep, non-empty keys up to ${MAX_KEY_BYTES} bytes, numbers 0 or 1e-130 ≤ |n| ≤ 2^53 − 1 (others as strings)`,
    });
  // Its JSON Schema (the OpenAPI document) is `inner`'s, written by zod's own processor for `inner`
  // when the document is built. Not `z.toJSONSchema(inner)` here at load: that would put zod's JSON
  // Schema generator (~20 KB) in every function's bundle, the engine's included.
  schema._zod.processJSONSchema = (ctx, json, params) => {
    ctx.processors[inner._zod.def.type]?.(inner, ctx, json, params);
  };
  return schema;
};

/**
 * DynamoDB's size of a stored value, by its documented rules (strings and keys in UTF-8 bytes, numbers
 * about one byte per two digits plus one, 3 bytes per map or list plus 1 per element), so an item can be
 * kept under the 400 KB item limit before it is written.
 */
export const storedSizeOf = (value: unknown): number => {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') return Math.ceil(String(value).replace(/[-.]|e.*$/g, '').length / 2) + 1;
  if (Array.isArray(value)) return value.reduce<number>((sum, v) => sum + 1 + storedSizeOf(v), 3);
  if (typeof value === 'object')
    return Object.entries(value).reduce<number>(
      (sum, [k, v]) => sum + 1 + Buffer.byteLength(k, 'utf8') + storedSizeOf(v),
      3,
    );
  return 0;
};

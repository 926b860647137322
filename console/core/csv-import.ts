/**
 * A CSV list into an outdial's targets, shared by the console and the CLI (no DOM, no Node API): parse,
 * map columns to target fields, check each row as the API would, cut the good rows into batches of
 * 100 and send each with an Idempotency-Key made of the list, the file's hash and the batch's index.
 * Running the same import again therefore resumes it: batches the API already took are answered from
 * its idempotency record (for 24 h) instead of being written twice, and the rest are sent.
 */
import Papa from 'papaparse';
import { isTimeZone } from '#domain/calling-hours.ts';
import { type ApiClient, ApiError, describeError } from './api-client.ts';
import type { OutdialTarget, TargetInput } from './resources.ts';

/** The API's batch limit: one DynamoDB transaction. */
export const BATCH_SIZE = 100;

export const DESTINATION_FIELDS = [
  'destination_0',
  'destination_1',
  'destination_2',
  'destination_3',
  'destination_4',
] as const;
export const TARGET_FIELDS = ['name', ...DESTINATION_FIELDS, 'data', 'detail', 'timezone'] as const;
export type TargetField = (typeof TARGET_FIELDS)[number];
/** Target field → the CSV column (by header name) it is read from. */
export type ColumnMapping = Partial<Record<TargetField, string>>;

export const FIELD_LABELS: Record<TargetField, string> = {
  name: 'Name',
  destination_0: 'Number 1',
  destination_1: 'Number 2',
  destination_2: 'Number 3',
  destination_3: 'Number 4',
  destination_4: 'Number 5',
  data: 'Data (your reference, e.g. a CRM id)',
  detail: 'Detail',
  timezone: 'Time zone',
};

export interface ParsedCsv {
  header: string[];
  rows: string[][];
}

export interface ImportOptions {
  /** Digits put before numbers written without a country code (e.g. "1" for +1); none: such rows are refused. */
  defaultCountryCode?: string;
}

export interface RejectedRow {
  /** The row's position in the file, the header being row 1. */
  row: number;
  reason: string;
  values: string[];
}

export interface PlannedRow {
  row: number;
  target: TargetInput;
  values: string[];
}

export interface ImportPlan {
  header: string[];
  batches: PlannedRow[][];
  rejected: RejectedRow[];
  rows: number;
  valid: number;
}

/** The file as text: header row first. A UTF-8 byte-order mark and blank lines are dropped. */
export const parseCsv = (text: string): ParsedCsv => {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy' });
  const [header = [], ...rows] = parsed.data;
  return { header: header.map((h) => h.trim()), rows };
};

const GUESSES: [TargetField | 'destination', RegExp][] = [
  ['name', /^(full[ _-]?name|name|contact|customer|person)$/i],
  ['destination', /phone|mobile|cell|number|tel|destination|msisdn/i],
  ['data', /^(data|crm|crm[ _-]?id|external[ _-]?id|id|reference|ref)$/i],
  ['detail', /^(details?|notes?|comment)$/i],
  ['timezone', /^(time[ _-]?zone|tz)$/i],
];

/** A first mapping from the header's names; numbers go to destination_0… in column order. */
export const guessMapping = (header: string[]): ColumnMapping => {
  const mapping: ColumnMapping = {};
  let nextDestination = 0;
  for (const column of header) {
    const hit = GUESSES.find(([, re]) => re.test(column));
    if (!hit) continue;
    const [field] = hit;
    if (field === 'destination') {
      const slot = DESTINATION_FIELDS[nextDestination];
      if (slot) {
        mapping[slot] = column;
        nextDestination++;
      }
    } else if (!mapping[field]) {
      mapping[field] = column;
    }
  }
  return mapping;
};

/** `name=Name,destination_0=Phone` (the CLI's --map) into a mapping, checked against the header. */
export const parseMapping = (spec: string, header: string[]): ColumnMapping => {
  const mapping: ColumnMapping = {};
  for (const part of spec.split(',').filter(Boolean)) {
    const eq = part.indexOf('=');
    const field = part.slice(0, eq).trim();
    const column = part.slice(eq + 1).trim();
    if (eq < 0 || !(TARGET_FIELDS as readonly string[]).includes(field)) {
      throw new Error(`--map: "${part}" is not field=Column; fields are ${TARGET_FIELDS.join(', ')}`);
    }
    if (!header.includes(column)) {
      throw new Error(`--map: the file has no column "${column}" (columns: ${header.join(', ')})`);
    }
    mapping[field as TargetField] = column;
  }
  return mapping;
};

/** Problems with the mapping itself, before any row is read. */
export const mappingProblems = (mapping: ColumnMapping, header: string[]): string[] => {
  const problems: string[] = [];
  if (!DESTINATION_FIELDS.some((f) => mapping[f]))
    problems.push('Choose the column that holds the phone number.');
  for (const [field, column] of Object.entries(mapping)) {
    if (column && !header.includes(column)) problems.push(`${field}: the file has no column "${column}".`);
  }
  return problems;
};

const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * A number as the API takes it (E.164), from the ways people write one: spaces, dots, dashes,
 * brackets and a leading 00 are accepted; without a country code the default one is put in front.
 */
export const normaliseNumber = (raw: string, defaultCountryCode?: string): string | undefined => {
  let n = raw.trim().replace(/[\s().\-/]/g, '');
  if (n.startsWith('00')) n = `+${n.slice(2)}`;
  if (!n.startsWith('+') && defaultCountryCode)
    n = `+${defaultCountryCode.replace(/\D/g, '')}${n.replace(/^0/, '')}`;
  return E164.test(n) ? n : undefined;
};

/** Limits of CreateTarget, checked here so one bad row never refuses its whole batch. */
const MAX = { name: 255, detail: 4096, data: 65536 };

/** One row as the API's target, or the reason it cannot be one. */
export const rowToTarget = (
  values: string[],
  columns: Partial<Record<TargetField, number>>,
  options: ImportOptions = {},
): { target: TargetInput } | { reason: string } => {
  const cell = (f: TargetField) => {
    const i = columns[f];
    return i === undefined ? '' : (values[i] ?? '').trim();
  };
  const name = cell('name');
  if (name.length > MAX.name) return { reason: `name is longer than ${MAX.name} characters` };
  const data = cell('data');
  if (data.length > MAX.data) return { reason: `data is longer than ${MAX.data} characters` };
  const timezone = cell('timezone');
  if (timezone && !isTimeZone(timezone)) {
    return { reason: `time zone "${timezone}" is not an IANA time zone such as America/New_York` };
  }
  const detail = cell('detail');
  if (detail.length > MAX.detail) return { reason: `detail is longer than ${MAX.detail} characters` };
  // The person's own zone, which calling hours in the callee's time use before the number's zones.
  const target: TargetInput = { name, detail, data, ...(timezone ? { timezone } : {}) };
  let numbers = 0;
  for (const f of DESTINATION_FIELDS) {
    const raw = cell(f);
    if (!raw) continue;
    const number = normaliseNumber(raw, options.defaultCountryCode);
    if (!number) {
      return {
        reason: `${f} "${raw}" is not a phone number with its country code (such as +15551234567)`,
      };
    }
    target[f] = { type: 'tel', target: number };
    numbers++;
  }
  if (numbers === 0) return { reason: 'no phone number in the mapped number columns' };
  return { target };
};

const columnIndexes = (header: string[], mapping: ColumnMapping) =>
  Object.fromEntries(
    Object.entries(mapping)
      .filter(([, column]) => column)
      .map(([field, column]) => [field, header.indexOf(column as string)]),
  ) as Partial<Record<TargetField, number>>;

/** Every row checked, the good ones cut into batches of BATCH_SIZE in file order. */
export const planImport = (
  csv: ParsedCsv,
  mapping: ColumnMapping,
  options: ImportOptions = {},
): ImportPlan => {
  const columns = columnIndexes(csv.header, mapping);
  const batches: PlannedRow[][] = [];
  const rejected: RejectedRow[] = [];
  let current: PlannedRow[] = [];
  csv.rows.forEach((values, i) => {
    const row = i + 2;
    const out = rowToTarget(values, columns, options);
    if ('reason' in out) {
      rejected.push({ row, reason: out.reason, values });
      return;
    }
    current.push({ row, target: out.target, values });
    if (current.length === BATCH_SIZE) {
      batches.push(current);
      current = [];
    }
  });
  if (current.length) batches.push(current);
  return {
    header: csv.header,
    batches,
    rejected,
    rows: csv.rows.length,
    valid: csv.rows.length - rejected.length,
  };
};

/** The first rows as they would be sent (or why not), for the preview. */
export const previewRows = (csv: ParsedCsv, mapping: ColumnMapping, options: ImportOptions = {}, n = 8) => {
  const columns = columnIndexes(csv.header, mapping);
  return csv.rows
    .slice(0, n)
    .map((values, i) => ({ row: i + 2, values, ...rowToTarget(values, columns, options) }));
};

const toHex = (buf: ArrayBuffer) =>
  Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');

/** SHA-256 of the file's text, hex: the import's identity in its Idempotency-Keys. */
export const fileHash = async (text: string) =>
  toHex(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));

/** One key per (list, file, batch): a re-run sends the same keys, so a batch is never written twice. */
export const batchKey = (outdialId: string, hash: string, index: number) =>
  `csv-${outdialId}-${hash.slice(0, 32)}-${index}`;

export interface ImportProgress {
  batches: number;
  batchesDone: number;
  /** Rows written by this run. */
  imported: number;
  /** Rows a previous run had already written (the API replayed their batch). */
  alreadyImported: number;
  rejected: number;
  rows: number;
}

export interface ImportReport extends ImportProgress {
  rejectedRows: RejectedRow[];
  complete: boolean;
  /** Why the import stopped before the end, in plain words. */
  error?: string;
  /** Rows per second over this run. */
  rowsPerSecond: number;
}

/** The fields named by a 400 as `targets.<i>.…`: the rows of the batch the API refused. */
const refusedIndexes = (err: ApiError) => {
  const out = new Map<number, string>();
  for (const d of err.body?.details ?? []) {
    const m = /^targets\.(\d+)\.?(.*)$/.exec(d.field ?? '');
    if (m) out.set(Number(m[1]), `${m[2] || 'target'}: ${d.issue}`);
  }
  return out;
};

/**
 * Sends the plan's batches in order (the API dials a list in upload order). A row the API refuses
 * after all (a rule checked only there) is moved to the report and its batch sent again without it,
 * under the same key: a refused request is not recorded, so the key is still free.
 */
export const runImport = async (
  api: ApiClient,
  outdialId: string,
  plan: ImportPlan,
  hash: string,
  o: { onProgress?: (p: ImportProgress) => void; signal?: AbortSignal; now?: () => number } = {},
): Promise<ImportReport> => {
  const now = o.now ?? (() => Date.now());
  const started = now();
  const rejectedRows = [...plan.rejected];
  const progress: ImportProgress = {
    batches: plan.batches.length,
    batchesDone: 0,
    imported: 0,
    alreadyImported: 0,
    rejected: rejectedRows.length,
    rows: plan.rows,
  };
  const finish = (error?: string): ImportReport => ({
    ...progress,
    rejected: rejectedRows.length,
    rejectedRows: rejectedRows.sort((a, b) => a.row - b.row),
    complete: error === undefined,
    ...(error === undefined ? {} : { error }),
    rowsPerSecond: Math.round(
      ((progress.imported + progress.alreadyImported) * 1000) / Math.max(1, now() - started),
    ),
  });
  o.onProgress?.({ ...progress });
  const path = `/outdials/${outdialId}/targets/batch`;
  for (const [index, batch] of plan.batches.entries()) {
    let rows = batch;
    while (rows.length) {
      if (o.signal?.aborted) return finish(stoppedMessage(progress));
      try {
        const reply = await api.request<{ result: OutdialTarget[] }>('POST', path, {
          body: { targets: rows.map((r) => r.target) },
          idempotencyKey: batchKey(outdialId, hash, index),
          ...(o.signal ? { signal: o.signal } : {}),
        });
        if (reply.replayed) progress.alreadyImported += rows.length;
        else progress.imported += rows.length;
        break;
      } catch (err) {
        if (o.signal?.aborted) return finish(stoppedMessage(progress));
        const refused = err instanceof ApiError && err.httpStatus === 400 ? refusedIndexes(err) : new Map();
        if (refused.size === 0) return finish(`${describeError(err)} ${stoppedMessage(progress)}`);
        for (const [i, reason] of refused) {
          const r = rows[i];
          if (r) rejectedRows.push({ row: r.row, reason, values: r.values });
        }
        rows = rows.filter((_, i) => !refused.has(i));
        progress.rejected = rejectedRows.length;
      }
    }
    progress.batchesDone = index + 1;
    o.onProgress?.({ ...progress });
  }
  return finish();
};

const stoppedMessage = (p: ImportProgress) =>
  `Stopped after ${p.batchesDone} of ${p.batches} batches. Import the same file into the same list again to resume: the batches already sent are recognised (for 24 hours) and not written twice.`;

/** The rejected rows as CSV: the row number, the reason, then the row as it was in the file. */
export const rejectedReport = (header: string[], rejected: RejectedRow[]) =>
  Papa.unparse({
    fields: ['csv_row', 'reason', ...header],
    data: rejected.map((r) => [String(r.row), r.reason, ...r.values]),
  });

/** The CSV import shared by the console and the CLI: mapping, row checks, batches, keys, refusals. */
import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../console/core/api-client.ts';
import {
  batchKey,
  guessMapping,
  normaliseNumber,
  parseCsv,
  parseMapping,
  planImport,
  rejectedReport,
  runImport,
} from '../../console/core/csv-import.ts';

const csvOf = (rows: string[][]) => rows.map((r) => r.join(',')).join('\n');

describe('the CSV import', () => {
  it('guesses name, numbers in column order, data and time zone from the header', () => {
    expect(guessMapping(['Full Name', 'Mobile', 'Home phone', 'CRM id', 'TZ', 'Notes'])).toEqual({
      name: 'Full Name',
      destination_0: 'Mobile',
      destination_1: 'Home phone',
      data: 'CRM id',
      timezone: 'TZ',
      detail: 'Notes',
    });
  });

  it('reads --map and refuses an unknown field or column', () => {
    expect(parseMapping('name=Name,destination_0=Phone', ['Name', 'Phone'])).toEqual({
      name: 'Name',
      destination_0: 'Phone',
    });
    expect(() => parseMapping('phone=Phone', ['Phone'])).toThrow(/not field=Column/);
    expect(() => parseMapping('name=Nom', ['Name'])).toThrow(/no column "Nom"/);
  });

  it.each([
    ['+1 (555) 123-4567', undefined, '+15551234567'],
    ['0044 20 7946 0958', undefined, '+442079460958'],
    ['555.123.4567', '1', '+15551234567'],
    ['020 7946 0958', '44', '+442079460958'],
    ['555-1234', undefined, undefined],
    ['+1 555 ABC', undefined, undefined],
  ])('normalises %s (country %s) to %s', (raw, country, want) => {
    expect(normaliseNumber(raw, country)).toBe(want);
  });

  it('cuts the good rows into batches of 100 in file order and names each bad row with its reason', () => {
    const rows = [['Name', 'Phone', 'TZ']];
    for (let i = 0; i < 250; i++) rows.push([`p${i}`, `+1555000${String(i).padStart(4, '0')}`, '']);
    rows[11] = ['bad', 'call me', ''];
    rows[101] = ['nobody', '', ''];
    rows[201] = ['tz', '+15550000001', 'Moon/Base'];
    const csv = parseCsv(`\uFEFF${csvOf(rows)}\n\n`);
    const plan = planImport(csv, guessMapping(csv.header));
    expect(plan.rows).toBe(250);
    expect(plan.batches.map((b) => b.length)).toEqual([100, 100, 47]);
    expect(plan.batches[0]?.[0]).toMatchObject({ row: 2, target: { name: 'p0', detail: '' } });
    expect(plan.rejected.map((r) => [r.row, r.reason])).toEqual([
      [12, 'destination_0 "call me" is not a phone number with its country code (such as +15551234567)'],
      [102, 'no phone number in the mapped number columns'],
      [202, 'time zone "Moon/Base" is not an IANA time zone such as America/New_York'],
    ]);
    expect(rejectedReport(csv.header, plan.rejected).split('\r\n')[2]).toBe(
      '102,no phone number in the mapped number columns,nobody,,',
    );
  });

  it("sends a valid time zone as the target's own timezone, and keeps the notes in detail", () => {
    const csv = parseCsv('Name,Phone,TZ,Notes\nAda,+15551230000,Europe/London,VIP\n');
    const target = planImport(csv, guessMapping(csv.header)).batches[0]?.[0]?.target;
    expect(target?.timezone).toBe('Europe/London');
    expect(target?.detail).toBe('VIP');
  });

  it('sends each batch under a key of the list, the file and its index, and moves rows the API refuses to the report', async () => {
    const csv = parseCsv(
      csvOf([['Name', 'Phone'], ...Array.from({ length: 150 }, (_, i) => [`p${i}`, `+1555000${1000 + i}`])]),
    );
    const plan = planImport(csv, guessMapping(csv.header));
    const sent: { key: string | null; names: string[] }[] = [];
    const fetch = async (_url: string | URL | Request, init?: RequestInit) => {
      const headers = init?.headers as Record<string, string>;
      const body = JSON.parse(String(init?.body)) as { targets: { name: string }[] };
      sent.push({ key: headers['idempotency-key'] ?? null, names: body.targets.map((t) => t.name) });
      const refused = body.targets.findIndex((t) => t.name === 'p120');
      if (refused >= 0) {
        const error = {
          status: 'INVALID_ARGUMENT',
          reason: 'INVALID_ARGUMENT',
          message: 'invalid',
          request_id: 'r',
          details: [{ field: `targets.${refused}.name`, issue: 'rule only the API knows' }],
        };
        return new Response(JSON.stringify({ error }), { status: 400 });
      }
      return new Response(JSON.stringify({ result: body.targets }), { status: 200 });
    };
    const api = createApiClient({
      base: 'http://api/v1.0',
      key: 'k',
      fetch: fetch as typeof globalThis.fetch,
    });
    const report = await runImport(api, 'od-1', plan, 'f'.repeat(64));
    expect(sent.map((s) => [s.key, s.names.length])).toEqual([
      [batchKey('od-1', 'f'.repeat(64), 0), 100],
      [batchKey('od-1', 'f'.repeat(64), 1), 50],
      [batchKey('od-1', 'f'.repeat(64), 1), 49],
    ]);
    expect(sent[2]?.names).not.toContain('p120');
    expect(report).toMatchObject({ complete: true, imported: 149, alreadyImported: 0, rejected: 1 });
    expect(report.rejectedRows[0]).toMatchObject({ row: 122, reason: 'name: rule only the API knows' });
  });

  it('counts a batch the API answers from its idempotency record as imported before, not again', async () => {
    const csv = parseCsv('Name,Phone\nAda,+15551230000\n');
    const plan = planImport(csv, guessMapping(csv.header));
    const fetch = async () =>
      new Response(JSON.stringify({ result: [] }), {
        status: 200,
        headers: { 'idempotent-replayed': 'true' },
      });
    const api = createApiClient({
      base: 'http://api/v1.0',
      key: 'k',
      fetch: fetch as typeof globalThis.fetch,
    });
    expect(await runImport(api, 'od', plan, 'a'.repeat(64))).toMatchObject({
      imported: 0,
      alreadyImported: 1,
    });
  });

  it('stops on an error it cannot fix, saying how to resume', async () => {
    const csv = parseCsv('Name,Phone\nAda,+15551230000\n');
    const plan = planImport(csv, guessMapping(csv.header));
    const fetch = async () =>
      new Response(
        JSON.stringify({
          error: {
            status: 'NOT_FOUND',
            reason: 'OUTDIAL_NOT_FOUND',
            message: 'The outdial was not found',
            request_id: 'r',
          },
        }),
        { status: 404 },
      );
    const api = createApiClient({
      base: 'http://api/v1.0',
      key: 'k',
      fetch: fetch as typeof globalThis.fetch,
    });
    const report = await runImport(api, 'od', plan, 'a'.repeat(64));
    expect(report.complete).toBe(false);
    expect(report.error).toMatch(
      /^The outdial was not found Stopped after 0 of 1 batches\. Import the same file/,
    );
  });
});

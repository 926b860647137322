/**
 * `outbound import` against `npm start`'s server: a 20,000-row list, the CLI killed halfway and run
 * again. Every valid row ends up in the list exactly once, and the rejected rows are reported.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOf, type LocalServer, startLocalServer } from './support/local-server.ts';

const ROWS = 20_000;
/** Rows the CLI must refuse (0-based), with what is wrong with each. */
const BAD: Record<number, string[]> = {
  7: ['Seven', '555-0107', 'crm-7'],
  9999: ['Nine', '', 'crm-9999'],
  15000: ['Fifteen', '+1 555 ABC', 'crm-15000'],
};

let server: LocalServer;
let dir: string;
beforeAll(async () => {
  server = await startLocalServer();
  dir = mkdtempSync(join(tmpdir(), 'outbound-cli-'));
});
afterAll(() => server?.stop());

const writeList = () => {
  const lines = ['Name,Phone,CRM'];
  for (let i = 0; i < ROWS; i++) {
    // Spaces and dashes as people write numbers: the CLI normalises them.
    lines.push((BAD[i] ?? [`Person ${i}`, `+1 555-${String(i).padStart(7, '0')}`, `crm-${i}`]).join(','));
  }
  const file = join(dir, 'people.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
};

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
}

/** The CLI as a user runs it; `killAt` kills it (SIGKILL) once its output matches. */
const cli = (args: string[], killAt?: RegExp) =>
  new Promise<Run>((resolve) => {
    const child = spawn(process.execPath, ['cli/outbound.mjs', ...args], {
      env: { ...process.env, OUTBOUND_API: server.api, OUTBOUND_KEY: server.key },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const on = (b: Buffer) => {
      out += b.toString();
      if (killAt?.test(out) && child.exitCode === null) child.kill('SIGKILL');
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.once('exit', (code, signal) => resolve({ code, signal, out }));
  });

describe('outbound import', () => {
  // About 300 requests of 100 targets and 200 pages read back: minutes on a loaded 2-core machine.
  it('resumes a list interrupted halfway, and every valid row is in the list exactly once', {
    timeout: 600_000,
  }, async () => {
    const api = apiOf(server);
    const outdial = await api.post('/outdials', { name: 'cli import' });
    const file = writeList();
    const started = Date.now();

    const first = await cli(['import', outdial.id, file], /\] +5\d %/);
    expect(first.signal, first.out).toBe('SIGKILL');
    expect(first.out).not.toContain('Done:');
    expect((await api.get(`/outdials/${outdial.id}/targets?page_size=1`)).result).toHaveLength(1);

    const second = await cli(['import', outdial.id, file]);
    expect(second.code, second.out).toBe(0);
    expect(second.out).toMatch(
      /Done: [\d,]+ added, [1-9][\d,]* already imported by an earlier run, 3 rejected/,
    );
    const seconds = (Date.now() - started) / 1000;

    const targets = await api.all(`/outdials/${outdial.id}/targets`);
    const valid = Array.from({ length: ROWS }, (_, i) => i).filter((i) => !BAD[i]);
    expect(targets).toHaveLength(valid.length);
    expect(new Set(targets.map((t) => t.data))).toEqual(new Set(valid.map((i) => `crm-${i}`)));
    const sample = targets.find((t) => t.data === 'crm-1234');
    expect(sample.destination_0.target).toBe('+15550001234');

    const report = readFileSync(join(dir, 'people.rejected.csv'), 'utf8');
    expect(report.split(/\r?\n/)[0]).toBe('csv_row,reason,Name,Phone,CRM');
    expect(report).toMatch(/^9,"destination_0 ""555-0107""/m);
    expect(report).toMatch(/^10001,no phone number/m);
    expect(report).toMatch(/^15002,"destination_0 ""\+1 555 ABC""/m);
    const rate = /([\d,]+) rows\/s/.exec(second.out)?.[1];
    console.log(
      `CLI import: ${ROWS} rows in ${seconds.toFixed(1)} s over two runs; second run ${rate} rows/s`,
    );
  });
});

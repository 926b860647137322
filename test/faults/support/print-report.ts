/** Global setup of the faults project: a fresh report file for the run, printed as a table at the end. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import type { FaultFigure } from './report.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    faultsReport: string;
  }
}

const table = (rows: string[][]) => {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
  return [
    line(rows[0] ?? []),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
};

export default function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'outbound-faults-'));
  const file = join(dir, 'report.jsonl');
  project.provide('faultsReport', file);
  return () => {
    if (existsSync(file)) {
      const rows = [['case', 'figure', 'value', 'bound']];
      for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
        const { faultCase, figures } = JSON.parse(line) as { faultCase: string; figures: FaultFigure[] };
        for (const f of figures) rows.push([faultCase, f.figure, String(f.value), f.bound ?? '']);
      }
      console.log(`\nFault suite figures\n${table(rows)}\n`);
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

/**
 * `outbound import <outdial_id> <file.csv> [--map …] [--country 1] [--report out.csv]`: the console's
 * import (core/csv-import.ts) in a terminal. Ctrl-C stops it; the same command again resumes it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createApiClient } from '../console/core/api-client.ts';
import {
  type ColumnMapping,
  fileHash,
  guessMapping,
  mappingProblems,
  parseCsv,
  parseMapping,
  planImport,
  rejectedReport,
  runImport,
} from '../console/core/csv-import.ts';
import type { CliSettings } from './settings.ts';
import { bar, n, statusLine } from './terminal.ts';

export interface ImportArgs {
  outdialId: string;
  file: string;
  map?: string;
  country?: string;
  report?: string;
}

/** Exit code: 0 all sent, 1 stopped or failed (run again to resume). */
export const importCommand = async (settings: CliSettings, args: ImportArgs, signal: AbortSignal) => {
  const text = readFileSync(args.file, 'utf8');
  const csv = parseCsv(text);
  const mapping: ColumnMapping = args.map ? parseMapping(args.map, csv.header) : guessMapping(csv.header);
  const problems = mappingProblems(mapping, csv.header);
  if (problems.length) {
    console.error(`${problems.join('\n')}\nUse --map, e.g. --map name=Name,destination_0=Phone`);
    return 2;
  }
  const plan = planImport(csv, mapping, args.country ? { defaultCountryCode: args.country } : {});
  console.log(
    `${args.file}: ${n(plan.rows)} rows, ${n(plan.valid)} to send in ${n(plan.batches.length)} batches, ${n(plan.rejected.length)} rejected here. Columns: ${Object.entries(
      mapping,
    )
      .map(([f, c]) => `${f}=${c}`)
      .join(', ')}`,
  );
  const api = createApiClient({ base: settings.api, key: settings.key });
  const line = statusLine(process.stdout);
  const report = await runImport(api, args.outdialId, plan, await fileHash(text), {
    signal,
    onProgress: (p) =>
      line.draw(
        `${bar(p.batchesDone, p.batches)}  ${n(p.imported + p.alreadyImported)}/${n(plan.valid)} rows  (${n(p.alreadyImported)} already there)`,
        Math.floor((p.batchesDone * 10) / Math.max(1, p.batches)),
      ),
  });
  line.end();
  console.log(
    `${report.complete ? 'Done' : 'Stopped'}: ${n(report.imported)} added, ${n(report.alreadyImported)} already imported by an earlier run, ${n(report.rejected)} rejected; ${n(report.rowsPerSecond)} rows/s.`,
  );
  if (report.rejected) {
    const out = args.report ?? args.file.replace(/(\.csv)?$/i, '.rejected.csv');
    writeFileSync(out, `${rejectedReport(csv.header, report.rejectedRows)}\n`);
    console.log(`Rejected rows, with the reason for each: ${out}`);
    for (const r of report.rejectedRows.slice(0, 5)) console.log(`  row ${r.row}: ${r.reason}`);
  }
  if (report.error) console.error(report.error);
  return report.complete ? 0 : 1;
};

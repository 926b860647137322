/**
 * CSV import into a list: pick a file, map its columns, preview, then upload in batches of 100 with a
 * progress bar. A second run of the same file resumes (see core/csv-import.ts), and the rows refused
 * are offered as a CSV report with the reason for each.
 */
import { useMemo, useRef, useState } from 'preact/hooks';
import {
  type ColumnMapping,
  DESTINATION_FIELDS,
  FIELD_LABELS,
  fileHash,
  guessMapping,
  type ImportProgress,
  type ImportReport,
  mappingProblems,
  type ParsedCsv,
  parseCsv,
  planImport,
  previewRows,
  rejectedReport,
  runImport,
  TARGET_FIELDS,
} from '../core/csv-import.ts';
import { useApi, useNotice } from './hooks.ts';
import { ErrorNote, Field, fmt, ProgressBar, Section, Select } from './ui.tsx';

interface Loaded {
  name: string;
  text: string;
  csv: ParsedCsv;
}

export const ImportPanel = ({ outdialId, after }: { outdialId: string; after: () => unknown }) => {
  const api = useApi();
  const notice = useNotice();
  const [file, setFile] = useState<Loaded | undefined>();
  const [mapping, setMapping] = useState<ColumnMapping>({});
  const [country, setCountry] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [progress, setProgress] = useState<ImportProgress | undefined>();
  const [report, setReport] = useState<ImportReport | undefined>();
  const running = useRef<AbortController | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const options = country ? { defaultCountryCode: country } : {};
  const plan = useMemo(
    () => (file ? planImport(file.csv, mapping, options) : undefined),
    [file, mapping, country],
  );
  const problems = file ? mappingProblems(mapping, file.csv.header) : [];

  const pick = async (f: File | undefined) => {
    setError(undefined);
    setReport(undefined);
    setProgress(undefined);
    if (!f) return setFile(undefined);
    const text = await f.text();
    const csv = parseCsv(text);
    if (csv.header.length === 0 || csv.rows.length === 0) {
      setFile(undefined);
      return setError(`“${f.name}” has no rows under a header line. The first line must name the columns.`);
    }
    setFile({ name: f.name, text, csv });
    setMapping(guessMapping(csv.header));
  };

  const start = async () => {
    if (!file || !plan) return;
    const c = new AbortController();
    running.current = c;
    setBusy(true);
    setReport(undefined);
    try {
      const hash = await fileHash(file.text);
      const r = await runImport(api, outdialId, plan, hash, {
        onProgress: setProgress,
        signal: c.signal,
      });
      setReport(r);
      notice(
        r.complete
          ? `Imported “${file.name}”: ${fmt(r.imported)} targets added${r.alreadyImported ? `, ${fmt(r.alreadyImported)} were already in from an earlier run` : ''}, ${fmt(r.rejected)} rows rejected.`
          : `Import of “${file.name}” stopped: ${fmt(r.imported + r.alreadyImported)} targets in so far.`,
      );
      await after();
    } finally {
      running.current = undefined;
      setBusy(false);
    }
  };

  const download = () => {
    if (!report || !file) return;
    const blob = new Blob([rejectedReport(file.csv.header, report.rejectedRows)], { type: 'text/csv' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${file.name.replace(/\.csv$/i, '')}-rejected.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };

  const columns = [
    { value: '', label: '— not in the file —' },
    ...(file?.csv.header ?? []).map((h) => ({ value: h, label: h })),
  ];
  const preview = file ? previewRows(file.csv, mapping, options) : [];
  return (
    <Section title="Import a CSV file">
      <div class="field">
        <label for="csv-file">CSV file (first line: column names)</label>
        <input
          id="csv-file"
          type="file"
          accept=".csv,text/csv"
          disabled={busy}
          onChange={(e) => void pick((e.target as HTMLInputElement).files?.[0])}
        />
      </div>
      <ErrorNote error={error} />
      {file && plan ? (
        <>
          <fieldset class="mapping">
            <legend>Columns</legend>
            {TARGET_FIELDS.map((f) => (
              <Select
                key={f}
                label={FIELD_LABELS[f]}
                value={mapping[f] ?? ''}
                onChange={(v) => setMapping({ ...mapping, [f]: v || undefined })}
                options={columns}
              />
            ))}
            <Field
              label="Country code for numbers without one"
              value={country}
              onInput={setCountry}
              placeholder="e.g. 1"
              hint="Leave empty to reject numbers written without + and a country code."
            />
          </fieldset>
          {problems.map((p) => (
            <p key={p} class="error" role="alert">
              {p}
            </p>
          ))}
          <h3>Preview</h3>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Name</th>
                  <th scope="col">Numbers</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {preview.map((p) => (
                  <tr key={p.row}>
                    <td>{p.row}</td>
                    <td>{'target' in p ? p.target.name : ''}</td>
                    <td>
                      {'target' in p
                        ? DESTINATION_FIELDS.map((f) => p.target[f]?.target)
                            .filter(Boolean)
                            .join(', ')
                        : ''}
                    </td>
                    <td class={'reason' in p ? 'error-text' : ''}>
                      {'reason' in p ? `Rejected: ${p.reason}` : 'OK'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>
            <strong>{file.name}</strong>: {fmt(plan.rows)} rows, {fmt(plan.valid)} ready in{' '}
            {fmt(plan.batches.length)} batches of up to 100, {fmt(plan.rejected.length)} will be rejected.
          </p>
          <div class="buttons">
            <button
              type="button"
              class="primary"
              disabled={busy || problems.length > 0 || plan.valid === 0}
              onClick={() => void start()}
            >
              Import {fmt(plan.valid)} targets
            </button>
            {busy ? (
              <button type="button" onClick={() => running.current?.abort()}>
                Stop import
              </button>
            ) : null}
          </div>
        </>
      ) : null}
      {progress ? (
        <div aria-live="polite">
          <ProgressBar
            value={progress.batchesDone}
            max={progress.batches}
            label="Import progress (batches)"
          />
          <p class="muted">
            {fmt(progress.imported)} added, {fmt(progress.alreadyImported)} already there,{' '}
            {fmt(progress.rejected)} rejected
          </p>
        </div>
      ) : null}
      {report ? (
        <div class={report.complete ? 'done' : 'error'} role="status">
          <p>
            {report.complete ? 'Import finished' : 'Import stopped'}: {fmt(report.imported)} targets added
            {report.alreadyImported
              ? `, ${fmt(report.alreadyImported)} already imported by an earlier run`
              : ''}
            , {fmt(report.rejected)} rows rejected ({fmt(report.rowsPerSecond)} rows/s).
          </p>
          {report.error ? <p>{report.error}</p> : null}
          {report.rejected ? (
            <>
              <button type="button" onClick={download}>
                Download the {fmt(report.rejected)} rejected rows (CSV)
              </button>
              <ul class="rejected">
                {report.rejectedRows.slice(0, 10).map((r) => (
                  <li key={r.row}>
                    Row {r.row}: {r.reason}
                  </li>
                ))}
                {report.rejected > 10 ? <li>… and {fmt(report.rejected - 10)} more in the report.</li> : null}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}
    </Section>
  );
};

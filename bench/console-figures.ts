/**
 * The console's figures on `npm start`'s server (in memory, simulator): bundle size (minified and
 * gzip), time to first render (the sign-in link to the Campaigns heading, in Debian's chromium), and
 * the CSV import rate in rows/s from the browser, from the CLI, and of plain batch POSTs (100 targets
 * each, 4 at a time: what both of them send) against the same server.
 * Usage: npm run bench:console [-- <rows>]   (default 10,000 rows per import)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { buildConsoleSync } from '../console/build.ts';
import { apiOf, startLocalServer } from '../test/console/support/local-server.ts';

const ROWS = Number(process.argv[2] ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'outbound-console-bench-'));

const csv = (rows: number, area: string) => {
  const lines = ['Name,Phone,CRM'];
  for (let i = 0; i < rows; i++) lines.push(`Person ${i},+1${area}${String(1e7 + i).slice(-7)},crm-${i}`);
  return `${lines.join('\n')}\n`;
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

const built = buildConsoleSync(join(dir, 'site'));
console.log(
  `bundle: main.js ${kb(built.bytes.js)} (gzip ${kb(built.gzipBytes.js)}), main.css ${kb(built.bytes.css)} (gzip ${kb(built.gzipBytes.css)})`,
);

const server = await startLocalServer();
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
try {
  const api = apiOf(server);

  // First render: a new tab each time, so nothing is cached between runs but the browser's own.
  const renders: number[] = [];
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const t = performance.now();
    await page.goto(server.consoleLink);
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
    renders.push(performance.now() - t);
    await context.close();
  }
  console.log(
    `first render: median ${median(renders).toFixed(0)} ms of ${renders.length} (link → Campaigns heading)`,
  );

  // The browser's import: pick the file, import, wait for the summary.
  const inBrowser = await api.post('/outdials', { name: 'bench browser' });
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.consoleLink);
  await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
  await page.goto(`${server.origin}/#/lists/${inBrowser.id}`);
  await page
    .getByLabel('CSV file')
    .setInputFiles({ name: 'bench.csv', mimeType: 'text/csv', buffer: Buffer.from(csv(ROWS, '555')) });
  const start = page.getByRole('button', { name: /^Import \d/ });
  await start.waitFor();
  let t = performance.now();
  await start.click();
  await page.getByText(/Import finished/).waitFor({ timeout: 600_000 });
  const browserRate = ROWS / ((performance.now() - t) / 1000);
  await context.close();

  // The CLI's import of the same number of rows.
  const inCli = await api.post('/outdials', { name: 'bench cli' });
  const file = join(dir, 'cli.csv');
  writeFileSync(file, csv(ROWS, '556'));
  t = performance.now();
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['cli/outbound.mjs', 'import', inCli.id, file], {
      env: { ...process.env, OUTBOUND_API: server.api, OUTBOUND_KEY: server.key },
      stdio: 'ignore',
    });
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`outbound import exited with ${code}`);
  const cliRate = ROWS / ((performance.now() - t) / 1000);

  // Plain batch POSTs, 4 at a time, as both of them send.
  const plain = await api.post('/outdials', { name: 'bench batches' });
  const batches = Math.ceil(ROWS / 100);
  let next = 0;
  t = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let b = next++; b < batches; b = next++) {
        const targets = Array.from({ length: Math.min(100, ROWS - b * 100) }, (_, i) => ({
          name: `p${b * 100 + i}`,
          destination_0: { type: 'tel', target: `+1557${String(1e7 + b * 100 + i).slice(-7)}` },
        }));
        await api.post(`/outdials/${plain.id}/targets/batch`, { targets });
      }
    }),
  );
  const batchRate = ROWS / ((performance.now() - t) / 1000);
  console.log(
    `import of ${ROWS.toLocaleString('en')} rows: browser ${browserRate.toFixed(0)} rows/s, CLI ${cliRate.toFixed(0)} rows/s, ` +
      `plain batch POSTs ${batchRate.toFixed(0)} rows/s (same server; npm run bench:upload measures the API in process)`,
  );
} finally {
  await browser.close();
  await server.stop();
}

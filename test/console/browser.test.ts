/**
 * The console in Debian's chromium, against `npm start`'s server with the simulator: sign in, create
 * an outplan and a list, import a CSV of 1,000 rows (3 bad), create and run a campaign, stop and
 * force-stop it, run it to 100 %, and check each view with axe-core. Screenshots go to
 * .test-output/console/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { type LocalServer, startLocalServer } from './support/local-server.ts';

const OUTPUT = join(process.cwd(), '.test-output', 'console');
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let server: LocalServer;
let browser: Browser;
beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  // Both at once, and each kept once up: when chromium fails to launch, afterAll still stops npm start.
  const [started, launched] = await Promise.allSettled([
    startLocalServer(),
    chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS }),
  ]);
  if (started.status === 'fulfilled') server = started.value;
  if (launched.status === 'fulfilled') browser = launched.value;
  for (const r of [started, launched]) if (r.status === 'rejected') throw r.reason;
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** 1,000 rows; rows 3, 500 and 998 of the data (file rows 4, 501, 999) are bad. */
const aList = () => {
  const lines = ['Name,Phone,Mobile,CRM,Timezone'];
  for (let i = 1; i <= 1000; i++) {
    // Numbers end in 0 (answered), 1 (busy), 3 (failed) or 5–9 (answered): no ringing out a timeout.
    const last = [0, 1, 3, 5, 6, 7, 8, 9][i % 8];
    let row = [
      `Person ${i}`,
      `+1555${String(i).padStart(6, '0')}${last}`,
      '',
      `crm-${i}`,
      'America/New_York',
    ];
    if (i === 3) row = ['No number', '', '', 'crm-3', ''];
    if (i === 500) row = ['Local only', '555 0100', '', 'crm-500', ''];
    if (i === 998) row = ['Martian', '+15550009985', '', 'crm-998', 'Mars/Olympus'];
    lines.push(row.join(','));
  }
  return Buffer.from(`${lines.join('\n')}\n`);
};

/** axe-core on the page as it is: no serious or critical finding. */
const expectAccessible = async (page: Page, what: string) => {
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const r = await (globalThis as any).axe.run((globalThis as any).document, {
      resultTypes: ['violations'],
    });
    return r.violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: any) => `${v.id}: ${v.help} (${v.nodes.map((n: any) => n.target.join(' ')).join(', ')})`);
  });
  expect(found, `axe on ${what}`).toEqual([]);
};

const confirm = async (page: Page, button: string, yes: string) => {
  await page.getByRole('button', { name: button, exact: true }).first().click();
  await page.getByRole('button', { name: yes }).click();
};

const statusOf = (page: Page) => page.locator('.summary .badge').textContent();

/** The console refreshes every 3 s; a machine under load may take a few rounds. */
const eventually = <T>(read: () => Promise<T>, timeout = 30_000) =>
  expect.poll(read, { timeout, interval: 250 });

describe('the console', () => {
  // About 1,000 simulated calls and a dozen page loads: a few minutes on a loaded 2-core machine.
  it('signs in, imports a list, runs a campaign to 100 % and stops it, with no serious accessibility issue', {
    timeout: 600_000,
  }, async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    onTestFailed(() => page.screenshot({ path: join(OUTPUT, 'failure.png'), fullPage: true }).then(() => {}));
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    // A wrong key is refused in plain words; the right one opens the campaigns.
    const t0 = Date.now();
    await page.goto(`${server.origin}/`);
    await page.getByLabel('Access key').fill('not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await eventually(() => page.getByRole('alert').textContent()).toContain('was not accepted');
    await page.getByLabel('Access key').fill(server.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
    expect(await page.evaluate(() => (globalThis as any).document.cookie)).toBe('');

    // The link npm start prints signs in too, and the key leaves the address bar at once.
    const linked = await context.newPage();
    const firstRender = Date.now();
    await linked.goto(server.consoleLink);
    await linked.getByRole('heading', { name: 'Campaigns' }).waitFor();
    const firstRenderMs = Date.now() - firstRender;
    expect(linked.url()).toBe(`${server.origin}/#/campaigns`);
    expect(await linked.evaluate(() => sessionStorage.getItem('outbound.accesskey'))).toBe(server.key);
    await linked.close();

    // An outplan: one try per number, a second between tries.
    await page.getByLabel('Outplan name').fill('fast');
    await page.getByLabel('Ring timeout (seconds)').fill('5');
    await page.getByLabel('Seconds between tries').fill('1');
    await page.getByLabel('Tries on number 1').fill('1');
    await page.getByLabel('Tries on each other number').fill('0');
    await page.getByRole('button', { name: 'Create outplan' }).click();
    await eventually(() => page.getByRole('status').first().textContent()).toContain(
      'Outplan “fast” created',
    );
    await expectAccessible(page, 'campaigns');

    // A list, and the CSV imported into it: preview, progress, report of the three bad rows.
    await page.getByRole('link', { name: 'Lists' }).click();
    await page.getByLabel('List name').fill('autumn');
    await page.getByRole('button', { name: 'Create list' }).click();
    await page.getByRole('heading', { name: 'List “autumn”' }).waitFor();
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'autumn.csv', mimeType: 'text/csv', buffer: aList() });
    await page.getByText('1,000 rows, 997 ready in 10 batches of up to 100, 3 will be rejected').waitFor();
    expect(await page.getByLabel('Number 1').inputValue()).toBe('Phone');
    await expectAccessible(page, 'import preview');
    const importStart = Date.now();
    await page.getByRole('button', { name: 'Import 997 targets' }).click();
    await page.getByText(/Import finished: 997 targets added, 3 rows rejected/).waitFor({ timeout: 120_000 });
    const importRate = 997 / ((Date.now() - importStart) / 1000);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download the 3 rejected rows (CSV)' }).click();
    const report = readFileSync(await (await download).path(), 'utf8');
    expect(report).toMatch(/^csv_row,reason,Name,Phone,Mobile,CRM,Timezone/);
    expect(report).toMatch(/^4,no phone number/m);
    expect(report).toMatch(/^501,"destination_0 ""555 0100"" is not a phone number/m);
    expect(report).toMatch(/^999,"time zone ""Mars\/Olympus"" is not an IANA time zone/m);
    await page.getByRole('row', { name: /Person 1000/ }).waitFor();

    // The list's size comes from the API (kept from the stream), and a number finds its target
    // however it is typed; clearing the search pages the whole list again.
    await page.getByRole('heading', { name: 'List “autumn” · 997 targets' }).waitFor();
    await page.getByLabel('Search by number').fill('+1 555 000 0011');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('row', { name: /Person 1 .*idle/ }).waitFor();
    // The list's rows (the import preview's have no status): only that target.
    await eventually(() => page.getByRole('row', { name: /\bidle\b/ }).count()).toBe(1);
    await page.getByRole('button', { name: 'Clear search' }).click();
    await page.getByRole('row', { name: /Person 1000/ }).waitFor();
    await page.getByRole('button', { name: 'Older →' }).click();
    await page.getByText('Page 2').waitFor();
    await page.getByRole('link', { name: 'All lists' }).click();
    await page.getByRole('row', { name: /autumn\s+997/ }).waitFor();
    await expectAccessible(page, 'lists');

    // A campaign on that list, run, stopped, run, force-stopped, then run to the end.
    await page.getByRole('link', { name: 'Campaigns' }).click();
    await page.getByLabel('Name', { exact: true }).fill('autumn calls');
    await page.getByLabel('Calls at once (without a queue)').fill('50');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('link', { name: 'autumn calls' }).click();
    await page.getByRole('heading', { name: 'Campaign “autumn calls”' }).waitFor();

    await confirm(page, 'Run', 'Yes, run');
    await eventually(() => statusOf(page)).toBe('run');
    const attempts = async () => Number(await page.locator('dt:text-is("Attempts") + dd').textContent());
    await eventually(attempts, 120_000).toBeGreaterThan(0);
    await confirm(page, 'Stop', 'Yes, stop');
    await eventually(() => page.getByRole('status').first().textContent()).toContain('is stopping');
    await eventually(() => statusOf(page), 60_000).toBe('stop');

    await confirm(page, 'Run', 'Yes, run');
    await eventually(() => statusOf(page)).toBe('run');
    await confirm(page, 'Force stop', 'Yes, hang up and stop');
    await eventually(() => page.getByRole('status').first().textContent()).toContain('is force-stopping');
    await eventually(() => statusOf(page), 60_000).toBe('stop');

    await confirm(page, 'Run', 'Yes, run');
    // Mid-run, the campaign list says in words what the bar's segments show (not colour alone).
    await page.getByRole('link', { name: 'All campaigns' }).click();
    const listed = page.getByRole('progressbar', { name: 'Progress of autumn calls' });
    await eventually(() => page.locator('.progress-detail').first().textContent(), 60_000).toMatch(
      /\d+ in flight/,
    );
    expect(await listed.getAttribute('title')).toMatch(/^\d+ of 997 done\b/);
    await page.screenshot({ path: join(OUTPUT, 'campaign-list.png'), fullPage: true });
    await page.getByRole('link', { name: 'autumn calls' }).click();
    const bar = page.getByRole('progressbar', { name: 'Targets finished' });
    // The sweeper settles a call the simulator lost after dial_timeout + 60 s: allow for one round of it.
    // From the list's counts by state (stats.targets): done (reached or out of tries) of all 997.
    await eventually(() => bar.getAttribute('aria-valuetext'), 300_000).toBe('100 % (997 of 997)');
    await eventually(() => page.locator('dt:text-is("Targets done") + dd').textContent()).toBe('997');
    expect(await page.locator('.progress-detail').first().textContent()).toBe('997 of 997 done');
    await eventually(() => statusOf(page), 60_000).toBe('stop');
    await eventually(() => page.locator('.chart svg').count()).toBe(1);
    // The chart reads the API's calls per minute; the panel says why nothing is dialed now.
    expect(await page.locator('.chart svg').getAttribute('aria-label')).toMatch(/: [1-9]\d* dialed/);
    await eventually(() => page.locator('.reasons').textContent()).toContain('Not dialing because');
    await expectAccessible(page, 'campaign');
    await page.screenshot({ path: join(OUTPUT, 'campaign-view.png'), fullPage: true });

    await page.getByRole('link', { name: 'All campaigns' }).click();
    await eventually(() => listed.getAttribute('aria-valuetext')).toBe('100 % (997 of 997)');

    // Agents: one click changes a status.
    await page.getByRole('link', { name: 'Queues and agents' }).click();
    await page.getByLabel("New agent's name").fill('Grace');
    await page.getByRole('button', { name: 'Add agent' }).click();
    await page.getByRole('button', { name: 'available' }).click();
    await eventually(() => page.getByRole('status').first().textContent()).toContain(
      'Grace is now available',
    );
    await expectAccessible(page, 'agents');

    // A phone's width: nothing wider than the screen but the tables' own scroll areas.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('link', { name: 'autumn calls' }).click();
    await page.getByRole('heading', { name: 'Campaign “autumn calls”' }).waitFor();
    expect(
      await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth),
    ).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(OUTPUT, 'campaign-view-phone.png'), fullPage: true });

    expect(pageErrors).toEqual([]);
    console.log(
      `console: first render ${firstRenderMs} ms (link to Campaigns heading), browser import ${importRate.toFixed(0)} rows/s, whole run ${((Date.now() - t0) / 1000).toFixed(0)} s`,
    );
    await context.close();
  });
});

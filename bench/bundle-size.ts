/**
 * Bundle size and module load time of every Lambda (API families, engine, webhooks), built with the
 * construct's own esbuild options (infra/constructs/node-function.ts), next to a bundle holding only
 * `new DynamoDBClient({})`. Then one function built twice more, with the AWS SDK left external
 * (resolved from node_modules at load time, as a function relying on the runtime's SDK would) and
 * bundled, to show what bundling the SDK buys at init.
 *
 *   npx tsx bench/bundle-size.ts [--runs 9]
 *
 * Load time is measured inside a fresh node per run (import() of the bundle, nothing else), with
 * NODE_OPTIONS=--enable-source-maps as in Lambda; the median is printed. Each round loads the baseline
 * and then every bundle once, so all of them see the same machine load, and each run reports its wall
 * time and the CPU time the process spent (user + system): on a busy machine the wall time also counts
 * waiting for a core, the CPU time does not. The budget is STYLE.md's.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { families } from '#functions/api/families.ts';
import { ENGINE_ENTRIES } from '../infra/constructs/engine.ts';
import { EVENTS_ENTRIES } from '../infra/constructs/events.ts';
import { bundleOptions } from '../infra/constructs/node-function.ts';

const BUDGET_KB = 500;
const root = resolve(import.meta.dirname, '..');
const outRoot = join(root, '.bench', 'bundles');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 9;

/** What "the SDK" means when it is left to the runtime: every AWS SDK and Smithy package. */
const SDK_EXTERNAL = ['@aws-sdk/*', '@smithy/*'];
/** The function built both ways: a typical API family (DynamoDB document client, zod, middy). */
const SDK_COMPARISON = 'campaigns';

interface Result {
  name: string;
  kb: number;
  /** Median wall time of the import. */
  loadMs: number;
  /** Median CPU time (user + system) of the import. */
  cpuMs: number;
  top: string;
}

interface Built {
  name: string;
  file: string;
  kb: number;
  top: string;
}

interface Variant {
  /** Packages left out of the bundle. @default bundleOptions.external (none) */
  external?: string[];
}

const bundle = async (
  name: string,
  entry: string,
  variant: Variant = {},
): Promise<{ file: string; metafile: Metafile }> => {
  const outfile = join(outRoot, name.replace(/\W+/g, '-'), 'index.mjs');
  const out = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    absWorkingDir: root,
    format: bundleOptions.format,
    platform: bundleOptions.platform,
    target: bundleOptions.target,
    mainFields: [...bundleOptions.mainFields],
    banner: { js: bundleOptions.banner },
    minify: bundleOptions.minify,
    sourcemap: bundleOptions.sourcemap,
    sourcesContent: false,
    external: variant.external ?? bundleOptions.external,
    // With the SDK external its credential chain is the runtime's own; nothing to swap.
    alias: variant.external ? {} : { ...bundleOptions.alias },
    metafile: true,
    logLevel: 'warning',
  });
  return { file: outfile, metafile: out.metafile };
};

/** The three packages that weigh most in a bundle, for the "why is it big" question. */
const heaviest = (metafile: Metafile): string => {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? '(app)';
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + input.bytesInOutput);
    }
  }
  return [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([pkg, bytes]) => `${pkg} ${Math.round(bytes / 1024)}`)
    .join(', ');
};

/** One import of the bundle in a fresh node: [wall ms, CPU ms]. */
const loadOnce = (file: string): [number, number] => {
  const url = pathToFileURL(file).href;
  const script =
    `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(url)});` +
    ' const w = performance.now() - t; const u = process.cpuUsage(c);' +
    " process.stdout.write(w + ' ' + (u.user + u.system) / 1000);";
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, NODE_OPTIONS: '--enable-source-maps', TABLE_NAME: 'bench' },
    encoding: 'utf8',
  });
  const [wall, cpu] = out.split(' ').map(Number);
  return [wall ?? Number.NaN, cpu ?? Number.NaN];
};

const median = (samples: number[]): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const built = async (name: string, entry: string, variant: Variant = {}): Promise<Built> => {
  const { file, metafile } = await bundle(name, entry, variant);
  return { name, file, kb: statSync(file).size / 1024, top: heaviest(metafile) };
};

/** Loads every bundle `runs` times, round after round, and keeps each one's median wall and CPU time. */
const measureAll = (bundles: Built[]): Result[] => {
  const wall = bundles.map((): number[] => []);
  const cpu = bundles.map((): number[] => []);
  for (let round = 0; round < runs; round++) {
    bundles.forEach((b, i) => {
      const [w, c] = loadOnce(b.file);
      wall[i]!.push(w);
      cpu[i]!.push(c);
    });
  }
  return bundles.map((b, i) => ({ ...b, loadMs: median(wall[i]!), cpuMs: median(cpu[i]!) }));
};

const main = async () => {
  rmSync(outRoot, { recursive: true, force: true });
  mkdirSync(outRoot, { recursive: true });
  const baselineEntry = join(outRoot, 'baseline-entry.mjs');
  writeFileSync(
    baselineEntry,
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const client = new DynamoDBClient({});\n",
  );
  const entries: [string, string][] = [
    ...families.map((f): [string, string] => [f.name, join('functions', 'api', `${f.name}.ts`)]),
    ...Object.entries(ENGINE_ENTRIES),
    ...Object.entries(EVENTS_ENTRIES),
  ];
  const bundles = [await built('bare DynamoDBClient', baselineEntry)];
  for (const [name, entry] of entries) bundles.push(await built(name, join(root, entry)));
  const [baseline, ...results] = measureAll(bundles) as [Result, ...Result[]];

  console.log(
    `node ${process.version}, ${runs} rounds (the baseline, then each bundle), median load time; budget ${BUDGET_KB} KB\n`,
  );
  const rows = [
    [
      'bundle',
      'KB',
      'load ms',
      'cpu ms',
      'KB ×base',
      'load ×base',
      'cpu ×base',
      'budget',
      'heaviest packages (KB)',
    ],
    ...[baseline, ...results].map((r) => [
      r.name,
      r.kb.toFixed(1),
      r.loadMs.toFixed(1),
      r.cpuMs.toFixed(1),
      (r.kb / baseline.kb).toFixed(2),
      (r.loadMs / baseline.loadMs).toFixed(2),
      (r.cpuMs / baseline.cpuMs).toFixed(2),
      r === baseline ? '' : r.kb <= BUDGET_KB ? 'ok' : 'OVER',
      r.top,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows)
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
  const over = results.filter((r) => r.kb > BUDGET_KB);
  if (over.length > 0) console.log(`\n${over.length} of ${results.length} bundles exceed ${BUDGET_KB} KB.`);
  else console.log(`\nAll ${results.length} bundles are within ${BUDGET_KB} KB.`);

  // Bundled vs external SDK, measured round by round so both see the same machine load.
  const comparisonEntry = join(root, 'functions', 'api', `${SDK_COMPARISON}.ts`);
  const [external, bundled] = measureAll([
    await built(`${SDK_COMPARISON} (SDK external)`, comparisonEntry, { external: SDK_EXTERNAL }),
    await built(`${SDK_COMPARISON} (SDK bundled)`, comparisonEntry),
  ]) as [Result, Result];
  console.log(`\n${SDK_COMPARISON}: module load time, median of ${runs} fresh processes`);
  console.log(
    `  SDK bundled   ${bundled.kb.toFixed(1).padStart(6)} KB  ${bundled.loadMs.toFixed(1).padStart(6)} ms`,
  );
  console.log(
    `  SDK external  ${external.kb.toFixed(1).padStart(6)} KB  ${external.loadMs.toFixed(1).padStart(6)} ms  (+ SDK from node_modules)`,
  );
  console.log(
    `  bundled loads in ${((bundled.loadMs / external.loadMs) * 100).toFixed(0)}% of the external time`,
  );
};

await main();

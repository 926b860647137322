/**
 * Bundles the console into a static folder with the local esbuild: `main.js`, `main.css`,
 * `index.html` and a `config.json` naming the API (same origin by default; the deployed stack writes
 * its own). Used by `npm start`, by the CDK app at synth, and by the browser test.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build, buildSync } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

export interface ConsoleBuild {
  dir: string;
  /** Bytes of main.js and main.css, minified. */
  bytes: { js: number; css: number };
  /** The same, gzipped as CloudFront and browsers exchange them. */
  gzipBytes: { js: number; css: number };
}

const bundleOptions = (outdir: string): BuildOptions => ({
  entryPoints: { main: join(here, 'app/main.tsx') },
  outdir,
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  platform: 'browser',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});

/**
 * Everything but main.js and main.css. `config` (the API's base URL) is left out when null: the
 * deployed stack writes its own config.json, with the API URL known only at deploy.
 */
const finish = (outdir: string, config: { apiBase?: string } | null): ConsoleBuild => {
  copyFileSync(join(here, 'app/index.html'), join(outdir, 'index.html'));
  if (config)
    writeFileSync(join(outdir, 'config.json'), `${JSON.stringify({ apiBase: config.apiBase ?? '/v1.0' })}\n`);
  const bytes = (file: string) => readFileSync(join(outdir, file));
  return {
    dir: outdir,
    bytes: { js: bytes('main.js').length, css: bytes('main.css').length },
    gzipBytes: {
      js: gzipSync(bytes('main.js'), { level: 9 }).length,
      css: gzipSync(bytes('main.css'), { level: 9 }).length,
    },
  };
};

export const buildConsole = async (
  outdir = resolve(here, 'dist'),
  config: { apiBase?: string } | null = {},
): Promise<ConsoleBuild> => {
  mkdirSync(outdir, { recursive: true });
  await build(bundleOptions(outdir));
  return finish(outdir, config);
};

/** The same, synchronously: CDK constructs are built synchronously at synth. */
export const buildConsoleSync = (outdir: string, config: { apiBase?: string } | null = {}): ConsoleBuild => {
  mkdirSync(outdir, { recursive: true });
  buildSync(bundleOptions(outdir));
  return finish(outdir, config);
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = await buildConsole(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(
    `console built in ${out.dir}: main.js ${out.bytes.js} B (${out.gzipBytes.js} B gzip), main.css ${out.bytes.css} B (${out.gzipBytes.css} B gzip)`,
  );
}

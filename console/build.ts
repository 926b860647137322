/**
 * Bundles the console into a static folder with the local esbuild: `main.js`, `main.css`,
 * `index.html` and a `config.json` naming the API (same origin by default; the deployed stack writes
 * its own). Used by `npm start`, by the CDK app at synth, and by the browser test.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

export interface ConsoleBuild {
  dir: string;
  /** Bytes of main.js and main.css, minified. */
  bytes: { js: number; css: number };
  /** The same, gzipped as CloudFront and browsers exchange them. */
  gzipBytes: { js: number; css: number };
}

export const buildConsole = async (
  outdir = resolve(here, 'dist'),
  config: { apiBase?: string } = {},
): Promise<ConsoleBuild> => {
  mkdirSync(outdir, { recursive: true });
  const result = await build({
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
    metafile: true,
    logLevel: 'warning',
  });
  copyFileSync(join(here, 'app/index.html'), join(outdir, 'index.html'));
  writeFileSync(join(outdir, 'config.json'), `${JSON.stringify({ apiBase: config.apiBase ?? '/v1.0' })}\n`);
  const size = (suffix: string) =>
    Object.entries(result.metafile.outputs)
      .filter(([f]) => f.endsWith(suffix))
      .reduce((n, [, o]) => n + o.bytes, 0);
  const gzip = (file: string) => gzipSync(readFileSync(join(outdir, file)), { level: 9 }).length;
  return {
    dir: outdir,
    bytes: { js: size('.js'), css: size('.css') },
    gzipBytes: { js: gzip('main.js'), css: gzip('main.css') },
  };
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = await buildConsole(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(
    `console built in ${out.dir}: main.js ${out.bytes.js} B (${out.gzipBytes.js} B gzip), main.css ${out.bytes.css} B (${out.gzipBytes.css} B gzip)`,
  );
}

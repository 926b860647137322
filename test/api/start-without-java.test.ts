/** `npm start` on a machine without Java: one line saying what is missing and how to fix it, exit 1. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JAVA_MISSING } from '../../infra/local/dynamodb-local.ts';

describe('npm start without Java', () => {
  it('prints one clear line and exits non-zero', () => {
    // A PATH with nothing on it: node itself is started by its full path.
    const emptyBin = mkdtempSync(join(tmpdir(), 'no-java-'));
    const out = spawnSync(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], {
      // Node's own warnings (node:sqlite is experimental on Node 22) are not ours to judge here.
      env: { PATH: emptyBin, HOME: emptyBin, OUTBOUND_IN_MEMORY: '1', PORT: '0', NODE_NO_WARNINGS: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(out.status).toBe(1);
    const lines = out.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toEqual([JAVA_MISSING]);
    expect(out.stderr).not.toMatch(/ENOENT|spawn java|\bat .+:\d+:\d+/);
  });
});

/**
 * Where the CLI finds the API and its key: OUTBOUND_API and OUTBOUND_KEY, else the local server that
 * `npm start` runs and the dev key it saved in its data folder (.data/keys.json).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface CliSettings {
  api: string;
  key: string;
}

export const cliSettings = (env: NodeJS.ProcessEnv = process.env): CliSettings => {
  const api = env.OUTBOUND_API ?? `http://localhost:${env.PORT ?? 3000}/v1.0`;
  if (env.OUTBOUND_KEY) return { api, key: env.OUTBOUND_KEY };
  const file = resolve(env.OUTBOUND_DATA_DIR ?? '.data', 'keys.json');
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { devAccesskey?: string };
    if (saved.devAccesskey) return { api, key: saved.devAccesskey };
  }
  throw new Error(
    `No access key: set OUTBOUND_KEY, or run the CLI where \`npm start\` saved its keys (${file} is missing).`,
  );
};

/** The `outbound` command: import a CSV list, or watch a campaign. */
import { parseArgs } from 'node:util';
import { importCommand } from './import-command.ts';
import { cliSettings } from './settings.ts';
import { watchCommand } from './watch-command.ts';

const USAGE = `Usage:
  outbound import <outdial_id> <file.csv> [--map name=Name,destination_0=Phone,...] [--country 1] [--report rejected.csv]
  outbound watch <campaign_id> [--every 2]

Fields for --map: name, destination_0 … destination_4, data, detail, timezone.
Environment: OUTBOUND_API (default http://localhost:3000/v1.0), OUTBOUND_KEY (default: the key npm start saved in .data/keys.json).`;

const main = async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      map: { type: 'string' },
      country: { type: 'string' },
      report: { type: 'string' },
      every: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, id, file] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const stop = new AbortController();
  // First Ctrl-C: finish cleanly (the import says how to resume); a second one quits at once.
  process.on('SIGINT', () => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
  });
  const settings = cliSettings();
  if (command === 'import' && id && file) {
    return importCommand(
      settings,
      {
        outdialId: id,
        file,
        ...(values.map ? { map: values.map } : {}),
        ...(values.country ? { country: values.country } : {}),
        ...(values.report ? { report: values.report } : {}),
      },
      stop.signal,
    );
  }
  if (command === 'watch' && id) {
    return watchCommand(settings, id, Number(values.every ?? 2) * 1000, stop.signal);
  }
  console.error(USAGE);
  return 2;
};

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);

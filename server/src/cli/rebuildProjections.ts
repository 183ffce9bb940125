import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/connect.ts';
import { createLogger } from '../log.ts';
import { rebuildProjections } from '../projection/rebuildProjections.ts';

const USAGE = `Rebuilds the relational projection of every board (the rows that queries across boards read)
from each board's stored document, which stays the source of truth.

  npm run rebuild-projections

Uses the same database as the server (DATABASE_URL, or PGlite in DATA_DIR; stop a server that uses
PGlite first, as only one process can open its folder). Each board is replaced in one transaction,
so it can be run again at any time, and stopped part way.`;

const say = (line: string) => process.stdout.write(`${line}\n`);
const complain = (line: string) => process.stderr.write(`${line}\n`);
const count = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;

async function main(): Promise<number> {
  let values: { help?: boolean };
  try {
    ({ values } = parseArgs({ options: { help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    complain(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    say(USAGE);
    return 0;
  }
  const config = loadConfig();
  const log = createLogger('warn');
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log });
  try {
    const started = performance.now();
    const result = await rebuildProjections(database.db, log, ({ done, total, board, outcome }) => {
      const step = `[${done}/${total}] ${board.name}`;
      if (!outcome.ok) complain(`${step}: not rebuilt (${outcome.error}); its projection is as it was`);
      else
        say(
          `${step}: ${count(outcome.records, 'record')}` +
            (outcome.needingAttention ? `, ${outcome.needingAttention} needing attention` : ''),
        );
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (result.boards === 0) say('There are no boards to project.');
    else
      say(
        `Projected ${count(result.boards - result.failed.length, 'board')} of ${result.boards} ` +
          `(${count(result.records, 'record')}, ${result.needingAttention} needing attention) in ${seconds} s.`,
      );
    if (result.failed.length > 0) {
      complain(
        `${count(result.failed.length, 'board')} could not be rebuilt: ${result.failed.map((b) => b.name).join(', ')}. ` +
          'Run this again once the cause above is dealt with.',
      );
      return 1;
    }
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    complain(
      `The projections could not be rebuilt: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  },
);

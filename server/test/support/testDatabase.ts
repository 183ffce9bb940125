import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../src/db/connect.ts';
import { createLogger } from '../../src/log.ts';
import { seedDemoPlace } from '../../src/seed.ts';
import { loadConfig } from '../../src/config.ts';

/** Where one test's server keeps its data: a fresh Postgres database, or a fresh PGlite folder. */
export interface TestDatabase {
  databaseUrl: string | undefined;
  dataDir: string | null;
  kind: 'postgres' | 'pglite';
  drop(): Promise<void>;
}

/**
 * What a test database starts as: `seeded` is what a first start leaves (every migration run, the
 * demo Place seeded), copied from a template made once per test run; `empty` has nothing, so the
 * server migrates and seeds it itself (for tests of a first start, and for another checkout's server).
 */
export type TestDatabaseStart = 'seeded' | 'empty';

/** Set by `prepareTestTemplates` for the test workers: the seeded template of each kind. */
const TEMPLATE_DATABASE = 'HUDDLE_TEST_TEMPLATE_DATABASE';
const TEMPLATE_DATA_DIR = 'HUDDLE_TEST_TEMPLATE_DATA_DIR';

function withDatabase(baseUrl: string, name: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs one statement on the server's maintenance connection (creating or dropping a database). */
async function asAdmin(baseUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * With `DATABASE_URL` set, creates a fresh database beside it (so tests running in parallel never
 * see each other's boards) and drops it afterwards. Without it, a fresh PGlite data folder. Seeded
 * (a copy of the run's template) unless `start` is `empty` or no template was prepared.
 */
export async function createTestDatabase(
  options: { kind?: 'postgres' | 'pglite'; prefix?: string; start?: TestDatabaseStart } = {},
): Promise<TestDatabase> {
  const baseUrl = process.env.DATABASE_URL;
  const kind = options.kind ?? (baseUrl ? 'postgres' : 'pglite');
  const prefix = options.prefix ?? 'huddle_test';
  const seeded = (options.start ?? 'seeded') === 'seeded';
  if (kind === 'pglite') {
    const dataDir = mkdtempSync(path.join(tmpdir(), `${prefix.replace(/_/g, '-')}-`));
    const template = process.env[TEMPLATE_DATA_DIR];
    if (seeded && template) cpSync(template, dataDir, { recursive: true });
    return {
      kind,
      databaseUrl: undefined,
      dataDir,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  if (!baseUrl) throw new Error('a Postgres test database needs DATABASE_URL');
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const template = process.env[TEMPLATE_DATABASE];
  await asAdmin(
    baseUrl,
    seeded && template ? `create database ${name} template ${template}` : `create database ${name}`,
  );
  return {
    kind,
    databaseUrl: withDatabase(baseUrl, name),
    dataDir: null,
    drop: () => asAdmin(baseUrl, `drop database if exists ${name} with (force)`),
  };
}

/** Runs every migration and seeds the demo Place, as a server's first start would. */
async function migrateAndSeed(database: { databaseUrl?: string | undefined; dataDir: string | null }) {
  const log = createLogger('silent');
  const handle = await openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir, log });
  try {
    await seedDemoPlace(handle.db, loadConfig({}).storage, log);
  } finally {
    await handle.close();
  }
}

/**
 * Makes the seeded templates that `createTestDatabase` copies, once for a whole test run (a vitest
 * global set-up): a PGlite data folder, and a Postgres database when `DATABASE_URL` is set. Copying
 * one takes a fraction of what migrating and seeding take. Returns a function that removes them
 * (nothing, when this process has them already).
 */
export async function prepareTestTemplates(): Promise<() => Promise<void>> {
  // Both test projects ask; the first one's templates serve the run, and the first one removes them.
  if (process.env[TEMPLATE_DATA_DIR]) return async () => undefined;
  const removals: (() => Promise<void>)[] = [];
  const removeAll = async () => {
    for (const remove of removals.splice(0).reverse()) await remove();
  };
  try {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'huddle-template-'));
    removals.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    await migrateAndSeed({ dataDir });
    process.env[TEMPLATE_DATA_DIR] = dataDir;

    const baseUrl = process.env.DATABASE_URL;
    if (baseUrl) {
      const name = `huddle_template_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
      await asAdmin(baseUrl, `create database ${name}`);
      removals.push(() => asAdmin(baseUrl, `drop database if exists ${name} with (force)`));
      await migrateAndSeed({ databaseUrl: withDatabase(baseUrl, name), dataDir: null });
      process.env[TEMPLATE_DATABASE] = name;
    }
  } catch (error) {
    await removeAll();
    throw error;
  }
  return async () => {
    delete process.env[TEMPLATE_DATA_DIR];
    delete process.env[TEMPLATE_DATABASE];
    await removeAll();
  };
}

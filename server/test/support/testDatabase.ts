import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** Where one test's server keeps its data: a fresh Postgres database, or a fresh PGlite folder. */
export interface TestDatabase {
  databaseUrl: string | undefined;
  dataDir: string | null;
  kind: 'postgres' | 'pglite';
  drop(): Promise<void>;
}

/**
 * With `DATABASE_URL` set, creates a fresh database beside it (so tests running in parallel never
 * see each other's boards) and drops it afterwards. Without it, a fresh PGlite data folder.
 */
export async function createTestDatabase(
  options: { kind?: 'postgres' | 'pglite'; prefix?: string } = {},
): Promise<TestDatabase> {
  const baseUrl = process.env.DATABASE_URL;
  const kind = options.kind ?? (baseUrl ? 'postgres' : 'pglite');
  const prefix = options.prefix ?? 'huddle_test';
  if (kind === 'pglite') {
    const dataDir = mkdtempSync(path.join(tmpdir(), `${prefix.replace(/_/g, '-')}-`));
    return {
      kind,
      databaseUrl: undefined,
      dataDir,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  if (!baseUrl) throw new Error('a Postgres test database needs DATABASE_URL');
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    kind,
    databaseUrl: url.toString(),
    dataDir: null,
    drop: async () => {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

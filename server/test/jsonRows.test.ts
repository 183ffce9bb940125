import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/db/connect.ts';
import { insertJsonRows, timestampText } from '../src/db/jsonRows.ts';
import { createLogger } from '../src/log.ts';
import { DEMO_BOARD_ID } from '../src/seed.ts';
import { DATABASE_KINDS } from './support/sharedServer.ts';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.ts';

const quiet = createLogger('silent');

describe.each(DATABASE_KINDS)('rows sent as one jsonb parameter on %s', (kind) => {
  let db: TestDatabase;
  let handle: DatabaseHandle;
  afterEach(async () => {
    await handle?.close();
    await db?.drop();
  });

  it('come back as they were written: text of every kind, nested values, nulls and fields left out', async () => {
    db = await createTestDatabase({ kind });
    handle = await openDatabase({ databaseUrl: db.databaseUrl, dataDir: db.dataDir, log: quiet });
    const written = [
      {
        title: 'Ring Mrs O’Brien’s daughter — “before 10”, \\ not after',
        notes: { lines: ['Naïve café 😊', 'tab\there'], done: false, count: 3.5 },
      },
      { title: 'Ünïcödé in a name too', notes: null },
      { title: 'x'.repeat(20_000), notes: [1, 'two', { three: [null] }] },
    ];
    const at = new Date('2026-12-07T09:00:00.000Z');
    await handle.db.executeQuery(
      insertJsonRows(
        'audit_events',
        ['at', 'event', 'board_id', 'user_name', 'field', 'before', 'after'],
        written.map((row, i) => ({
          at: timestampText(at),
          event: 'change',
          board_id: DEMO_BOARD_ID,
          user_name: i === 0 ? null : row.title.slice(0, 30),
          field: `jsonb-${i}`,
          before: row.title,
          after: row.notes,
        })),
      ),
    );
    const rows = await handle.db
      .selectFrom('audit_events')
      .select(['field', 'user_name', 'before', 'after', 'at', 'record_id'])
      .where('field', 'like', 'jsonb-%')
      .orderBy('field')
      .execute();
    expect(rows).toEqual(
      written.map((row, i) => ({
        field: `jsonb-${i}`,
        user_name: i === 0 ? null : row.title.slice(0, 30),
        before: row.title,
        after: row.notes,
        at,
        record_id: null,
      })),
    );
  });
});

describe('timestamps as Postgres reads them', () => {
  it('are the ISO text for years 1 to 9999, in any order: within one second, across seconds, before 1970', () => {
    const instants = [
      Date.UTC(2026, 11, 7, 9, 0, 0, 0),
      Date.UTC(2026, 11, 7, 9, 0, 0, 7),
      Date.UTC(2026, 11, 7, 9, 0, 0, 42),
      Date.UTC(2026, 11, 7, 9, 0, 0, 999),
      Date.UTC(2026, 11, 7, 9, 0, 1, 0),
      Date.UTC(2026, 11, 7, 9, 0, 0, 500),
      Date.UTC(1969, 11, 31, 23, 59, 59, 999),
      Date.UTC(1969, 11, 31, 23, 59, 59, 1),
      Date.UTC(1960, 0, 1, 0, 0, 0, 5),
      new Date('0001-01-01T00:00:00.010Z').getTime(),
      new Date('9999-12-31T23:59:59.998Z').getTime(),
      new Date('9999-12-31T23:59:59.999Z').getTime(),
    ];
    for (const time of [...instants, ...instants.toReversed()]) {
      expect(timestampText(new Date(time))).toBe(new Date(time).toISOString());
    }
  });

  it('write years past 9999 and before 1 as Postgres does, after a year it reads as ISO text', () => {
    expect(timestampText(new Date('2026-12-07T09:00:00.001Z'))).toBe('2026-12-07T09:00:00.001Z');
    expect(timestampText(new Date('+010000-01-01T00:00:00.002Z'))).toBe('10000-01-01T00:00:00.002Z');
    expect(timestampText(new Date('-000099-06-01T12:00:00.003Z'))).toBe('0100-06-01T12:00:00.003Z BC');
    expect(timestampText(new Date('2026-12-07T09:00:00.004Z'))).toBe('2026-12-07T09:00:00.004Z');
  });
});

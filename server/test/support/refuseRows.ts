import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';

/**
 * Makes the database refuse the rows inserted into `table` for which `condition` (SQL over `new`)
 * holds, with SQLSTATE `code` (by default 22021, as for a NUL byte in text), the way it refuses a
 * value it cannot hold. Works on Postgres and PGlite. Returns a function that stops it.
 */
export async function refuseRows(
  db: Kysely<Database>,
  table: 'audit_events' | 'board_updates' | 'board_clients' | 'projected_actions',
  condition: string,
  code = '22021',
): Promise<() => Promise<void>> {
  const name = `refuse_${table}_${Math.random().toString(36).slice(2, 8)}`;
  await sql
    .raw(
      `create function ${name}() returns trigger language plpgsql as $$ begin
         if ${condition} then raise exception 'refused by the test' using errcode = '${code}'; end if;
         return new; end $$`,
    )
    .execute(db);
  await sql
    .raw(`create trigger ${name} before insert on ${table} for each row execute function ${name}()`)
    .execute(db);
  return async () => {
    await sql.raw(`drop trigger ${name} on ${table}`).execute(db);
    await sql.raw(`drop function ${name}()`).execute(db);
  };
}

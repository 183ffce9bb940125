import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** A field of a row sent as JSON: what its column reads back (see `insertJsonRows`). */
export type JsonField = string | number | boolean | null | undefined | Date | JsonObject | JsonField[];
interface JsonObject {
  [key: string]: JsonField;
}

/** A row for `insertJsonRows`: column name to value, with the value a jsonb column holds as it is. */
export type JsonRow = Record<string, JsonField>;

/**
 * Inserts rows sent as one parameter, their JSON, which Postgres reads back as the table's own row
 * type (`jsonb_populate_recordset`): each column takes its type from the table, a field left out or
 * null is NULL, and a jsonb column holds the field's value itself (not its text).
 *
 * The group commit writes a trail row and a projected record with every change; as a parameter per
 * field, kysely parsed and compiled each one and node-postgres serialised each one, about 8% of the
 * server's busy time in bench:sync, against one JSON.stringify here (README, "Sync").
 *
 * Text must be storable (`storable.ts`): jsonb refuses NUL and unpaired surrogates, and the whole
 * statement with them. A timestamp goes as `timestampText` (or a Date of years 1 to 9999, whose
 * JSON is the same).
 */
export function insertJsonRows<T extends keyof Database & string>(
  db: Kysely<Database>,
  table: T,
  rows: readonly JsonRow[],
) {
  const columns = new Set<string>();
  for (const row of rows) for (const column in row) columns.add(column);
  const names = [...columns];
  return db
    .insertInto(table)
    .columns(names as never)
    .expression(
      sql`select ${sql.join(names.map((name) => sql.ref(name)))} from jsonb_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)}::jsonb)`,
    );
}

/**
 * A timestamp as Postgres reads it from text. A Date's JSON is its ISO text, which Postgres reads
 * for years 1 to 9999 only (`+010000-…` and `-000099-…` are refused); it keeps timestamps from 4713
 * BC to 294276 AD, written as `10000-…` and `0100-… BC`.
 */
export function timestampText(at: Date): string {
  const iso = at.toISOString();
  const year = at.getUTCFullYear();
  if (year >= 1 && year <= 9999) return iso;
  const rest = iso.slice(iso.indexOf('-', 1));
  return year > 9999 ? `${year}${rest}` : `${String(1 - year).padStart(4, '0')}${rest} BC`;
}

import { CompiledQuery } from 'kysely';
import type { Database } from './schema.ts';

/** A field of a row sent as JSON: what its column reads back (see `insertJsonRows`). */
export type JsonField = string | number | boolean | null | undefined | JsonObject | JsonField[];
interface JsonObject {
  [key: string]: JsonField;
}

/** A row for `insertJsonRows`: column name to value, with the value a jsonb column holds as it is. */
export type JsonRow = Record<string, JsonField>;

/** The statement's text before and after its one parameter, by table, columns and conflict clause. */
const statements = new Map<string, { before: string; after: string }>();

/**
 * The text of a statement inserting rows sent as one parameter, their JSON, which Postgres reads back
 * as the table's own row type (`jsonb_populate_recordset`): each column takes its type from the
 * table, a field left out or null is NULL, and a jsonb column holds the field's value itself (not
 * its text). The JSON is added to `parameters` (the text names it by its place there); `conflict` is
 * the statement's `on conflict` clause, if any, as SQL.
 *
 * The group commit writes a trail row and a projected record with every change. As a parameter per
 * field, kysely parsed and compiled each one and node-postgres serialised each one: about 8% of the
 * server's busy time in bench:sync, against one JSON.stringify and a text made once per table here
 * (README, "Sync").
 *
 * Text must be storable (`storable.ts`): jsonb refuses NUL and unpaired surrogates, and the whole
 * statement with them. A timestamp goes as `timestampText` (a Date would be its ISO text, which
 * Postgres refuses outside years 1 to 9999, and JSON.stringify calls its toJSON slowly).
 */
export function jsonRowsInsert(
  table: keyof Database & string,
  columns: readonly string[],
  rows: readonly JsonRow[],
  conflict: string,
  parameters: unknown[],
): string {
  const key = `${table}\u0000${columns.join(',')}\u0000${conflict}`;
  let statement = statements.get(key);
  if (!statement) {
    const names = columns.map((column) => `"${column}"`).join(', ');
    statement = {
      before: `insert into "${table}" (${names}) select ${names} from jsonb_populate_recordset(null::"${table}", `,
      after: `::jsonb) ${conflict}`,
    };
    statements.set(key, statement);
  }
  return `${statement.before}$${parameters.push(new JsonbParameter(JSON.stringify(rows)))}${statement.after}`;
}

/**
 * A jsonb parameter, held as the bytes node-postgres sends: jsonb's binary form, a version byte (1)
 * and the JSON text. Given as JSON strings, the group commit's parameters (and the flat copy
 * node-postgres makes of each to count its bytes) were most of what its young-generation
 * collections moved into the old generation, although a statement is answered within
 * milliseconds: 0.95 MB a collection against 0.38 as bytes, in one traced round of bench:sync
 * (README, "Sync"). What kept the strings that long was not found; bytes are held outside the
 * JavaScript heap. PGlite, which takes no binary parameters, reads it through `toJSON`.
 */
export class JsonbParameter {
  readonly #bytes: Buffer;

  constructor(json: string) {
    this.#bytes = Buffer.allocUnsafe(1 + Buffer.byteLength(json));
    this.#bytes[0] = 1;
    this.#bytes.write(json, 1);
  }

  /** What node-postgres sends (a Buffer goes in binary). */
  toPostgres(): Buffer {
    return this.#bytes;
  }

  /** What PGlite sends, through `JSON.stringify`. */
  toJSON(): unknown {
    return JSON.parse(this.#bytes.toString('utf8', 1));
  }
}

/** `jsonRowsInsert` as a statement of its own, to run with `executeQuery`. */
export function insertJsonRows(
  table: keyof Database & string,
  columns: readonly string[],
  rows: readonly JsonRow[],
  conflict = '',
): CompiledQuery {
  const parameters: unknown[] = [];
  return CompiledQuery.raw(jsonRowsInsert(table, columns, rows, conflict, parameters), parameters);
}

/*
 * The last whole second written (ms since the epoch / 1000) and its text up to the milliseconds:
 * a busy server stamps hundreds of audit rows a second, and a Date's ISO text is made anew for each
 * (`toISOString`, about 0.6 µs; in bench:sync's CPU profile it stood out in storing a change).
 */
let lastSecond = NaN;
let lastSecondText = '';

/**
 * A timestamp as Postgres reads it from text. A Date's JSON is its ISO text, which Postgres reads
 * for years 1 to 9999 only (`+010000-…` and `-000099-…` are refused); it keeps timestamps from 4713
 * BC to 294276 AD, written as `10000-…` and `0100-… BC`.
 */
export function timestampText(at: Date): string {
  const time = at.getTime();
  const second = Math.floor(time / 1000);
  if (second === lastSecond) {
    const ms = time - second * 1000;
    return `${lastSecondText}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
  }
  const iso = at.toISOString();
  const year = at.getUTCFullYear();
  if (year >= 1 && year <= 9999) {
    lastSecond = second;
    lastSecondText = iso.slice(0, 'YYYY-MM-DDTHH:MM:SS.'.length);
    return iso;
  }
  const rest = iso.slice(iso.indexOf('-', 1));
  return year > 9999 ? `${year}${rest}` : `${String(1 - year).padStart(4, '0')}${rest} BC`;
}

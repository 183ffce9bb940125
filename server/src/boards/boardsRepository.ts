import type { Kysely } from 'kysely';
import { uuidv4 } from 'lib0/random';
import type { BoardSummary, Organisation } from '../../../shared/api.ts';
import type { BoardRow, Database } from '../db/schema.ts';

function toSummary(row: BoardRow): BoardSummary {
  return { id: row.id, name: row.name, createdAt: new Date(row.created_at).toISOString() };
}

/** Board and organisation records in Postgres (the board content itself lives in the Yjs log). */
export class BoardsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<BoardSummary[]> {
    const rows = await this.db
      .selectFrom('boards')
      .selectAll()
      .orderBy('created_at')
      .orderBy('name')
      .execute();
    return rows.map(toSummary);
  }

  async get(id: string): Promise<BoardSummary | undefined> {
    const row = await this.db.selectFrom('boards').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toSummary(row);
  }

  async exists(id: string): Promise<boolean> {
    const row = await this.db.selectFrom('boards').select('id').where('id', '=', id).executeTakeFirst();
    return row !== undefined;
  }

  async create(name: string, id: string = uuidv4()): Promise<BoardSummary> {
    const row = await this.db
      .insertInto('boards')
      .values({ id, name })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toSummary(row);
  }

  async listOrganisations(): Promise<Organisation[]> {
    return this.db.selectFrom('organisations').select(['id', 'name', 'kind']).orderBy('name').execute();
  }
}

import type { Kysely } from 'kysely';
import { uuidv4 } from 'lib0/random';
import type { Organisation, OrganisationKind } from '#shared/organisations';
import type { OrganisationRequest } from '#shared/organisations';
import type { Database } from '../db/schema.ts';

/** The organisation columns of a row that left-joins `organisations as o`. */
export interface OrganisationColumns {
  organisation_id: string | null;
  organisation_name: string | null;
  organisation_kind: OrganisationKind | null;
}

/** The organisation of a left-joined row, or null when the person has none. */
export function organisationOf(row: OrganisationColumns): Organisation | null {
  return row.organisation_id && row.organisation_name && row.organisation_kind
    ? { id: row.organisation_id, name: row.organisation_name, kind: row.organisation_kind }
    : null;
}

/** The agencies people work for. */
export class OrganisationsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<Organisation[]> {
    return this.db.selectFrom('organisations').select(['id', 'name', 'kind']).orderBy('name').execute();
  }

  async get(id: string): Promise<Organisation | undefined> {
    return this.db
      .selectFrom('organisations')
      .select(['id', 'name', 'kind'])
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Throws the database's unique violation when the name is taken. */
  async create(organisation: OrganisationRequest, id: string = uuidv4()): Promise<Organisation> {
    return this.db
      .insertInto('organisations')
      .values({ id, ...organisation })
      .returning(['id', 'name', 'kind'])
      .executeTakeFirstOrThrow();
  }

  /** `undefined` when there is no such organisation; throws the unique violation when the name is taken. */
  async update(id: string, organisation: OrganisationRequest): Promise<Organisation | undefined> {
    return this.db
      .updateTable('organisations')
      .set(organisation)
      .where('id', '=', id)
      .returning(['id', 'name', 'kind'])
      .executeTakeFirst();
  }

  /** The ids among `ids` that name no organisation. */
  async missing(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const found = await this.db.selectFrom('organisations').select('id').where('id', 'in', ids).execute();
    const known = new Set(found.map((o) => o.id));
    return ids.filter((id) => !known.has(id));
  }
}

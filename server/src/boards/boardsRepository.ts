import type { Kysely } from 'kysely';
import { uuidv4 } from 'lib0/random';
import type { Organisation } from '#shared/organisations';
import type { BoardMember } from '#shared/boards';
import type { Database } from '../db/schema.ts';
import { OrganisationsRepository, organisationOf } from '../organisations/organisationsRepository.ts';
import { strongestRole } from '../teams/teamRoles.ts';

/** A board's row and the teams that own it; the caller's access is added by the route. */
export interface BoardRecord {
  id: string;
  name: string;
  createdAt: string;
  teams: { id: string; name: string }[];
}

/** Board and organisation records in Postgres (the board content itself lives in the Yjs log). */
export class BoardsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(id: string): Promise<BoardRecord | undefined> {
    const row = await this.db.selectFrom('boards').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      name: row.name,
      createdAt: new Date(row.created_at).toISOString(),
      teams: await this.teamsOf(id),
    };
  }

  async exists(id: string): Promise<boolean> {
    const row = await this.db.selectFrom('boards').select('id').where('id', '=', id).executeTakeFirst();
    return row !== undefined;
  }

  /** The teams that own a board, by name. */
  async teamsOf(boardId: string): Promise<{ id: string; name: string }[]> {
    return this.db
      .selectFrom('board_teams as bt')
      .innerJoin('teams as t', 't.id', 'bt.team_id')
      .select(['t.id', 't.name'])
      .where('bt.board_id', '=', boardId)
      .orderBy('t.name')
      .execute();
  }

  /** Creates a board owned by `teamIds` (which must exist), in one transaction. */
  async create(
    board: { name: string; teamIds: readonly string[] },
    id: string = uuidv4(),
  ): Promise<BoardRecord> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('boards').values({ id, name: board.name }).execute();
      if (board.teamIds.length > 0)
        await trx
          .insertInto('board_teams')
          .values(board.teamIds.map((teamId) => ({ board_id: id, team_id: teamId })))
          .execute();
    });
    return (await this.get(id))!;
  }

  /**
   * Renames a board and/or replaces its owning teams, in one transaction.
   * Returns whether the owning teams changed, or `undefined` when there is no such board.
   */
  async update(
    id: string,
    patch: { name?: string | undefined; teamIds?: readonly string[] | undefined },
  ): Promise<{ teamsChanged: boolean } | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('boards')
        .select('id')
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!row) return undefined;
      if (patch.name !== undefined)
        await trx.updateTable('boards').set({ name: patch.name }).where('id', '=', id).execute();
      if (patch.teamIds === undefined) return { teamsChanged: false };
      const before = await trx
        .selectFrom('board_teams')
        .select('team_id')
        .where('board_id', '=', id)
        .execute();
      const next = new Set(patch.teamIds);
      const teamsChanged = before.length !== next.size || before.some((t) => !next.has(t.team_id));
      if (teamsChanged) {
        await trx.deleteFrom('board_teams').where('board_id', '=', id).execute();
        await trx
          .insertInto('board_teams')
          .values([...next].map((teamId) => ({ board_id: id, team_id: teamId })))
          .execute();
      }
      return { teamsChanged };
    });
  }

  /** Removes a board that never got its first document state (creation failed half way). */
  async discard(id: string): Promise<void> {
    await this.db.deleteFrom('boards').where('id', '=', id).execute();
  }

  /** The active members of a board's owning teams, each once with their strongest role, by name. */
  async members(boardId: string): Promise<BoardMember[]> {
    const rows = await this.db
      .selectFrom('board_teams as bt')
      .innerJoin('team_memberships as tm', 'tm.team_id', 'bt.team_id')
      .innerJoin('users as u', 'u.id', 'tm.user_id')
      .leftJoin('organisations as o', 'o.id', 'u.organisation_id')
      .select([
        'u.id',
        'u.name',
        'u.profession',
        'tm.role',
        'o.id as organisation_id',
        'o.name as organisation_name',
        'o.kind as organisation_kind',
      ])
      .where('bt.board_id', '=', boardId)
      .where('u.active', '=', true)
      .orderBy('u.name')
      .orderBy('u.id')
      .execute();
    const byUser = new Map<string, BoardMember>();
    for (const row of rows) {
      const seen = byUser.get(row.id);
      if (seen) {
        seen.role = strongestRole(seen.role, row.role);
        continue;
      }
      byUser.set(row.id, {
        id: row.id,
        name: row.name,
        profession: row.profession,
        organisation: organisationOf(row),
        role: row.role,
      });
    }
    return [...byUser.values()];
  }

  /** Every organisation (the seed and the directory use it); see OrganisationsRepository for changes. */
  async listOrganisations(): Promise<Organisation[]> {
    return new OrganisationsRepository(this.db).list();
  }
}

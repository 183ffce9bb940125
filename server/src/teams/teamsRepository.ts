import { sql, type Kysely, type Transaction } from 'kysely';
import { uuidv4 } from 'lib0/random';
import type { TeamMember } from '#shared/teams';
import type { TeamRole } from '#shared/access';
import type { Database } from '../db/schema.ts';
import { organisationOf } from '../organisations/organisationsRepository.ts';

/** A team with its counts and the viewer's role in it; whether they can manage it is the policy's call. */
export interface TeamRecord {
  id: string;
  name: string;
  memberCount: number;
  boardCount: number;
  myRole: TeamRole | null;
}

function toRecord(row: {
  id: string;
  name: string;
  myRole: TeamRole | null;
  memberCount: number | null;
  boardCount: number | null;
}): TeamRecord {
  return {
    id: row.id,
    name: row.name,
    myRole: row.myRole,
    memberCount: Number(row.memberCount ?? 0),
    boardCount: Number(row.boardCount ?? 0),
  };
}

/** What a membership change did; `last-facilitator` means it was refused and nothing changed. */
export type MembershipChange = 'changed' | 'unchanged' | 'not-member' | 'last-facilitator';

/** Teams, their members and the boards they own. */
export class TeamsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Teams with counts and `userId`'s role in each: every team, or only those `userId` belongs to. */
  async list(userId: string, { onlyMine }: { onlyMine: boolean }): Promise<TeamRecord[]> {
    let query = this.#records(userId);
    if (onlyMine) query = query.where('mine.user_id', 'is not', null);
    return (await query.execute()).map(toRecord);
  }

  async get(id: string, userId: string): Promise<TeamRecord | undefined> {
    const row = await this.#records(userId).where('t.id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  #records(userId: string) {
    return this.db
      .selectFrom('teams as t')
      .leftJoin('team_memberships as mine', (join) =>
        join.onRef('mine.team_id', '=', 't.id').on('mine.user_id', '=', userId),
      )
      .select((eb) => [
        't.id',
        't.name',
        'mine.role as myRole',
        eb
          .selectFrom('team_memberships as tm')
          .select(sql<number>`count(*)::int`.as('n'))
          .whereRef('tm.team_id', '=', 't.id')
          .as('memberCount'),
        eb
          .selectFrom('board_teams as bt')
          .select(sql<number>`count(*)::int`.as('n'))
          .whereRef('bt.team_id', '=', 't.id')
          .as('boardCount'),
      ])
      .orderBy('t.name');
  }

  async exists(id: string): Promise<boolean> {
    const row = await this.db.selectFrom('teams').select('id').where('id', '=', id).executeTakeFirst();
    return row !== undefined;
  }

  /** The user's role in the team, or null when they are not a member. */
  async roleOf(teamId: string, userId: string): Promise<TeamRole | null> {
    const row = await this.db
      .selectFrom('team_memberships')
      .select('role')
      .where('team_id', '=', teamId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.role ?? null;
  }

  /** The ids among `ids` that name no team. */
  async missing(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const found = await this.db.selectFrom('teams').select('id').where('id', 'in', ids).execute();
    const known = new Set(found.map((t) => t.id));
    return ids.filter((id) => !known.has(id));
  }

  /** A team's members, by name (deactivated accounts included, marked). */
  async members(teamId: string): Promise<TeamMember[]> {
    const rows = await this.db
      .selectFrom('team_memberships as tm')
      .innerJoin('users as u', 'u.id', 'tm.user_id')
      .leftJoin('organisations as o', 'o.id', 'u.organisation_id')
      .select([
        'u.id',
        'u.name',
        'u.email',
        'u.profession',
        'u.active',
        'tm.role',
        'o.id as organisation_id',
        'o.name as organisation_name',
        'o.kind as organisation_kind',
      ])
      .where('tm.team_id', '=', teamId)
      .orderBy('u.name')
      .orderBy('u.id')
      .execute();
    return rows.map((r) => ({
      userId: r.id,
      name: r.name,
      email: r.email,
      profession: r.profession,
      organisation: organisationOf(r),
      role: r.role,
      active: r.active,
    }));
  }

  async boards(teamId: string): Promise<{ id: string; name: string }[]> {
    return this.db
      .selectFrom('board_teams as bt')
      .innerJoin('boards as b', 'b.id', 'bt.board_id')
      .select(['b.id', 'b.name'])
      .where('bt.team_id', '=', teamId)
      .orderBy('b.name')
      .execute();
  }

  /** Throws the database's unique violation when the name is taken. */
  async create(name: string, id: string = uuidv4()): Promise<string> {
    await this.db.insertInto('teams').values({ id, name }).execute();
    return id;
  }

  /** False when there is no such team; throws the unique violation when the name is taken. */
  async rename(id: string, name: string): Promise<boolean> {
    const result = await this.db.updateTable('teams').set({ name }).where('id', '=', id).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * Adds a member or changes their role. With `keepAFacilitator`, refuses to demote the team's last
   * active facilitator. The team row is locked, so two facilitators demoting each other at once cannot
   * both succeed.
   */
  async setMembership(
    teamId: string,
    userId: string,
    role: TeamRole,
    { keepAFacilitator }: { keepAFacilitator: boolean },
  ): Promise<MembershipChange> {
    return this.db.transaction().execute(async (trx) => {
      const current = await lockAndRead(trx, teamId, userId);
      if (current === role) return 'unchanged';
      if (keepAFacilitator && (await isLastFacilitator(trx, teamId, userId, current)))
        return 'last-facilitator';
      await trx
        .insertInto('team_memberships')
        .values({ team_id: teamId, user_id: userId, role })
        .onConflict((oc) => oc.columns(['team_id', 'user_id']).doUpdateSet({ role }))
        .execute();
      return 'changed';
    });
  }

  /** Removes a member; with `keepAFacilitator`, refuses to remove the team's last facilitator. */
  async removeMembership(
    teamId: string,
    userId: string,
    { keepAFacilitator }: { keepAFacilitator: boolean },
  ): Promise<MembershipChange> {
    return this.db.transaction().execute(async (trx) => {
      const current = await lockAndRead(trx, teamId, userId);
      if (current === null) return 'not-member';
      if (keepAFacilitator && (await isLastFacilitator(trx, teamId, userId, current)))
        return 'last-facilitator';
      await trx
        .deleteFrom('team_memberships')
        .where('team_id', '=', teamId)
        .where('user_id', '=', userId)
        .execute();
      return 'changed';
    });
  }
}

/** Locks the team row for the rest of the transaction and reads the user's current role in it. */
async function lockAndRead(
  trx: Transaction<Database>,
  teamId: string,
  userId: string,
): Promise<TeamRole | null> {
  await trx.selectFrom('teams').select('id').where('id', '=', teamId).forUpdate().execute();
  const row = await trx
    .selectFrom('team_memberships')
    .select('role')
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role ?? null;
}

/** Active facilitators of the team besides `userId`. */
/** Whether this member, with their `current` role, is the team's only active facilitator. */
async function isLastFacilitator(
  trx: Transaction<Database>,
  teamId: string,
  userId: string,
  current: TeamRole | null,
): Promise<boolean> {
  if (current !== 'facilitator') return false;
  const row = await trx
    .selectFrom('team_memberships as tm')
    .innerJoin('users as u', 'u.id', 'tm.user_id')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('tm.team_id', '=', teamId)
    .where('tm.role', '=', 'facilitator')
    .where('tm.user_id', '!=', userId)
    .where('u.active', '=', true)
    .executeTakeFirstOrThrow();
  return Number(row.n) === 0;
}

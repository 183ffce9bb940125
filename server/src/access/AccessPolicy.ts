import { sql, type Expression, type Kysely, type RawBuilder } from 'kysely';
import type { BoardSummary } from '#shared/boards';
import type { BoardAccess, TeamRole } from '#shared/access';
import type { Database } from '../db/schema.ts';
import { isRefusal, refuse, type Refusal } from '../refusal.ts';
import type { Principal } from './principal.ts';

export const NOT_SIGNED_IN = refuse('sign-in', 'Sign in to continue');
export const MUST_CHANGE_PASSWORD = refuse('forbidden', 'Change your temporary password before you go on');
export const NO_BOARD_ACCESS = refuse('forbidden', 'You do not have access to this board');
export const NO_SUCH_BOARD = refuse('not-found', 'There is no board with that id');
export const ADMINS_ONLY = refuse('forbidden', 'Only admins can do this');

/**
 * A condition for queries: the user whose row is aliased `user` (its `id` and `role`) can open the
 * board `boardId` names (a column or a value). The same rule as `usersWithAccess`, for queries that
 * must leave out what someone can no longer open (the notifications an email carries).
 */
export function canOpenBoard(user: string, boardId: Expression<string>): RawBuilder<boolean> {
  const id = sql.ref(`${user}.id`);
  const role = sql.ref(`${user}.role`);
  return sql<boolean>`(${role} = 'admin'
    or exists (select 1 from team_memberships tm join board_teams bt on bt.team_id = tm.team_id
               where tm.user_id = ${id} and bt.board_id = ${boardId})
    or (${role} = 'manager' and exists (select 1 from manager_teams mt join board_teams bt on bt.team_id = mt.team_id
               where mt.user_id = ${id} and bt.board_id = ${boardId})))`;
}

/**
 * Who may do what: the one place the rules live. REST handlers, the socket.io handshake and the
 * Yjs upgrade all ask here.
 *
 * - A facilitator or member of a team that owns a board can edit it.
 * - A viewer of an owning team, a manager with an owning team in their scope, and an admin can view it.
 * - Nobody else can open it.
 * - Admins manage everything; a facilitator manages their own team's membership.
 */
export class AccessPolicy {
  constructor(private readonly db: Kysely<Database>) {}

  /** A principal that may use the application (not one who must first change a temporary password). */
  ready(principal: Principal | null): Principal | Refusal {
    if (!principal) return NOT_SIGNED_IN;
    if (principal.mustChangePassword) return MUST_CHANGE_PASSWORD;
    return principal;
  }

  async boardAccess(principal: Principal | null, boardId: string): Promise<BoardAccess | Refusal> {
    const ready = this.ready(principal);
    if (isRefusal(ready)) return ready;
    const board = await this.db
      .selectFrom('boards')
      .select('id')
      .where('id', '=', boardId)
      .executeTakeFirst();
    if (!board) return NO_SUCH_BOARD;
    const [roles, managed] = await Promise.all([
      this.db
        .selectFrom('board_teams as bt')
        .innerJoin('team_memberships as tm', 'tm.team_id', 'bt.team_id')
        .select('tm.role')
        .where('bt.board_id', '=', boardId)
        .where('tm.user_id', '=', ready.userId)
        .execute(),
      ready.role === 'manager'
        ? this.db
            .selectFrom('board_teams as bt')
            .innerJoin('manager_teams as mt', 'mt.team_id', 'bt.team_id')
            .select('bt.team_id')
            .where('bt.board_id', '=', boardId)
            .where('mt.user_id', '=', ready.userId)
            .executeTakeFirst()
        : undefined,
    ]);
    return (
      accessFrom(
        roles.map((r) => r.role),
        managed !== undefined,
        ready,
      ) ?? NO_BOARD_ACCESS
    );
  }

  /** Every board the principal can open, with what they may do on it. */
  async boards(principal: Principal): Promise<BoardSummary[]> {
    const [boards, owners, memberships, managed] = await Promise.all([
      this.db.selectFrom('boards').selectAll().orderBy('created_at').orderBy('name').execute(),
      this.db
        .selectFrom('board_teams as bt')
        .innerJoin('teams as t', 't.id', 'bt.team_id')
        .select(['bt.board_id', 't.id', 't.name'])
        .orderBy('t.name')
        .execute(),
      this.db
        .selectFrom('team_memberships')
        .select(['team_id', 'role'])
        .where('user_id', '=', principal.userId)
        .execute(),
      principal.role === 'manager'
        ? this.db
            .selectFrom('manager_teams')
            .select('team_id')
            .where('user_id', '=', principal.userId)
            .execute()
        : [],
    ]);
    const roleIn = new Map(memberships.map((m) => [m.team_id, m.role]));
    const managedTeams = new Set(managed.map((m) => m.team_id));
    const out: BoardSummary[] = [];
    for (const board of boards) {
      const teams = owners.filter((o) => o.board_id === board.id).map((o) => ({ id: o.id, name: o.name }));
      const roles = teams.flatMap((t) => roleIn.get(t.id) ?? []);
      const access = accessFrom(
        roles,
        teams.some((t) => managedTeams.has(t.id)),
        principal,
      );
      if (access)
        out.push({
          id: board.id,
          name: board.name,
          createdAt: new Date(board.created_at).toISOString(),
          access,
          teams,
        });
    }
    return out;
  }

  /** The ids of users who can open a board (for telling them about it). */
  async usersWithAccess(boardId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('users as u')
      .select('u.id')
      .where('u.active', '=', true)
      .where(canOpenBoard('u', sql.val(boardId)))
      .execute();
    return rows.map((r) => r.id);
  }

  isAdmin(principal: Principal): boolean {
    return principal.role === 'admin';
  }

  async teamRole(principal: Principal, teamId: string): Promise<TeamRole | null> {
    const row = await this.db
      .selectFrom('team_memberships')
      .select('role')
      .where('team_id', '=', teamId)
      .where('user_id', '=', principal.userId)
      .executeTakeFirst();
    return row?.role ?? null;
  }

  /** Admins manage every team's membership; a facilitator manages their own team's. */
  async canManageTeam(principal: Principal, teamId: string): Promise<boolean> {
    return this.isAdmin(principal) || (await this.teamRole(principal, teamId)) === 'facilitator';
  }

  /** Whether the principal facilitates any team (they see the team pages and the people directory). */
  async isFacilitator(principal: Principal): Promise<boolean> {
    return (await this.facilitatedTeams(principal)).length > 0;
  }

  /** The ids of the teams the principal facilitates. */
  async facilitatedTeams(principal: Principal): Promise<string[]> {
    const rows = await this.db
      .selectFrom('team_memberships')
      .select('team_id')
      .where('user_id', '=', principal.userId)
      .where('role', '=', 'facilitator')
      .execute();
    return rows.map((row) => row.team_id);
  }
}

function accessFrom(
  teamRoles: readonly TeamRole[],
  managerInScope: boolean,
  principal: Principal,
): BoardAccess | null {
  if (teamRoles.some((role) => role === 'facilitator' || role === 'member')) return 'edit';
  if (teamRoles.includes('viewer')) return 'view';
  if (principal.role === 'manager' && managerInScope) return 'view';
  if (principal.role === 'admin') return 'view';
  return null;
}

import type { TeamDetail, TeamSummary } from '#shared/teams';
import type { TeamRole } from '#shared/access';
import type { AccessEvents } from '../access/accessEvents.ts';
import type { AccessPolicy } from '../access/AccessPolicy.ts';
import type { Principal } from '../access/principal.ts';
import { isRefusal, refuse, unlessTaken, type Refusal } from '../refusal.ts';
import type { UsersRepository } from '../users/usersRepository.ts';
import type { MembershipChange, TeamRecord, TeamsRepository } from './teamsRepository.ts';

const NO_SUCH_TEAM = refuse('not-found', 'There is no team with that id');
const NO_SUCH_USER = refuse('not-found', 'There is no user with that id');
const NOT_A_MEMBER = refuse('forbidden', 'You are not a member of this team');
const CANNOT_MANAGE = refuse('forbidden', "Only admins and this team's facilitators can change who is in it");
const DUPLICATE_NAME = 'There is already a team with that name';
const LAST_FACILITATOR = refuse('invalid', 'A team needs a facilitator: make someone else facilitator first');
const DEACTIVATED = refuse('invalid', 'This account is deactivated: an admin can switch it back on first');
const NOT_IN_TEAM = refuse('not-found', 'That person is not a member of this team');

/**
 * Teams and their membership. Admins manage every team; a facilitator manages their own, but cannot
 * leave it without a facilitator. A membership change tells the open channels at once.
 */
export class TeamAdmin {
  constructor(
    private readonly teams: TeamsRepository,
    private readonly users: UsersRepository,
    private readonly policy: AccessPolicy,
    private readonly events: AccessEvents,
  ) {}

  /** Admins see every team; everyone else the teams they belong to. */
  async list(principal: Principal): Promise<TeamSummary[]> {
    const records = await this.teams.list(principal.userId, { onlyMine: !this.policy.isAdmin(principal) });
    return Promise.all(records.map((record) => this.#summary(principal, record)));
  }

  /** Admins and members see a team's detail. */
  async detail(principal: Principal, teamId: string): Promise<TeamDetail | Refusal> {
    const record = await this.teams.get(teamId, principal.userId);
    if (!record) return NO_SUCH_TEAM;
    if (!this.policy.isAdmin(principal) && record.myRole === null) return NOT_A_MEMBER;
    return this.#detail(principal, record);
  }

  /** The detail without asking whether the caller may see it (they just changed it). */
  async #detail(principal: Principal, record: TeamRecord): Promise<TeamDetail> {
    const teamId = record.id;
    const [summary, members, boards] = await Promise.all([
      this.#summary(principal, record),
      this.teams.members(teamId),
      this.teams.boards(teamId),
    ]);
    return { ...summary, members, boards };
  }

  async create(principal: Principal, name: string): Promise<TeamDetail | Refusal> {
    const id = await unlessTaken(() => this.teams.create(name), 'name', DUPLICATE_NAME);
    if (isRefusal(id)) return id;
    return this.detail(principal, id);
  }

  async rename(principal: Principal, teamId: string, name: string): Promise<TeamDetail | Refusal> {
    const found = await unlessTaken(() => this.teams.rename(teamId, name), 'name', DUPLICATE_NAME);
    if (isRefusal(found)) return found;
    if (!found) return NO_SUCH_TEAM;
    return this.detail(principal, teamId);
  }

  /** Adds someone to the team, or changes their role in it. */
  async setMember(
    principal: Principal,
    teamId: string,
    userId: string,
    role: TeamRole,
  ): Promise<TeamDetail | Refusal> {
    const keepAFacilitator = await this.#mayManage(principal, teamId);
    if (isRefusal(keepAFacilitator)) return keepAFacilitator;
    const user = await this.users.findById(userId);
    if (!user) return NO_SUCH_USER;
    if (!user.active && (await this.teams.roleOf(teamId, userId)) === null) return DEACTIVATED;
    const applied = this.#apply(
      await this.teams.setMembership(teamId, userId, role, { keepAFacilitator }),
      userId,
    );
    if (applied) return applied;
    return this.detail(principal, teamId);
  }

  async removeMember(principal: Principal, teamId: string, userId: string): Promise<TeamDetail | Refusal> {
    const keepAFacilitator = await this.#mayManage(principal, teamId);
    if (isRefusal(keepAFacilitator)) return keepAFacilitator;
    const change = await this.teams.removeMembership(teamId, userId, { keepAFacilitator });
    if (change === 'not-member') return NOT_IN_TEAM;
    const applied = this.#apply(change, userId);
    if (applied) return applied;
    // A facilitator may have just removed themselves: they still get the team as they left it.
    const record = await this.teams.get(teamId, principal.userId);
    if (!record) return NO_SUCH_TEAM;
    return this.#detail(principal, record);
  }

  /**
   * Whether the last-facilitator rule applies to the caller (it does to facilitators, not to
   * admins), or why they cannot manage the team.
   */
  async #mayManage(principal: Principal, teamId: string): Promise<boolean | Refusal> {
    if (!(await this.teams.exists(teamId))) return NO_SUCH_TEAM;
    if (!(await this.policy.canManageTeam(principal, teamId))) return CANNOT_MANAGE;
    return !this.policy.isAdmin(principal);
  }

  /** Tells the open channels about a change; a refusal when it would leave the team without a facilitator. */
  #apply(change: MembershipChange, userId: string): Refusal | null {
    if (change === 'last-facilitator') return LAST_FACILITATOR;
    if (change === 'changed') this.events.emit('users-changed', [userId]);
    return null;
  }

  async #summary(principal: Principal, record: TeamRecord): Promise<TeamSummary> {
    return { ...record, canManage: await this.policy.canManageTeam(principal, record.id) };
  }
}

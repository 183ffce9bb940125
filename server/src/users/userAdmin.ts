import type { z } from 'zod';
import type {
  AdminUser,
  createUserRequest,
  TemporaryPasswordResponse,
  UpdateUserRequest,
} from '#shared/users';
import type { GlobalRole } from '#shared/access';
import type { AccessEvents } from '../access/accessEvents.ts';
import type { Principal } from '../access/principal.ts';
import { hashPassword, temporaryPassword } from '../auth/passwords.ts';
import type { SessionStore } from '../auth/sessions.ts';
import type { SignInThrottle } from '../auth/throttle.ts';
import { isRefusal, refuse, unlessTaken, type Refusal } from '../refusal.ts';
import type { OrganisationsRepository } from '../organisations/organisationsRepository.ts';
import type { TeamsRepository } from '../teams/teamsRepository.ts';
import type { AdminUsersRepository } from './adminUsersRepository.ts';
import type { UsersRepository } from './usersRepository.ts';

export const NO_SUCH_USER = refuse('not-found', 'There is no user with that id');
const DUPLICATE_EMAIL = 'Someone already uses that email address';

type NewUser = z.output<typeof createUserRequest>;

export interface UserAdminDeps {
  accounts: AdminUsersRepository;
  users: UsersRepository;
  organisations: OrganisationsRepository;
  teams: TeamsRepository;
  sessions: SessionStore;
  throttle: SignInThrottle;
  events: AccessEvents;
}

/**
 * Accounts, as admins manage them. New accounts and reset passwords get a one-time temporary
 * password. Switching an account off or resetting its password ends its sessions; changing what it
 * may see tells its open channels at once. Admins cannot lock themselves out.
 */
export class UserAdmin {
  constructor(private readonly deps: UserAdminDeps) {}

  async get(id: string): Promise<AdminUser | Refusal> {
    return (await this.deps.accounts.get(id)) ?? NO_SUCH_USER;
  }

  async create(request: NewUser): Promise<TemporaryPasswordResponse | Refusal> {
    const wrong = await this.#checkReferences(request.organisationId, request.role, request.managedTeamIds);
    if (wrong) return wrong;
    const password = temporaryPassword();
    const { managedTeamIds, ...fields } = request;
    const id = await unlessTaken(
      async () =>
        this.deps.accounts.create(
          { ...fields, passwordHash: await hashPassword(password), mustChangePassword: true },
          managedTeamIds,
        ),
      'email',
      DUPLICATE_EMAIL,
    );
    if (isRefusal(id)) return id;
    return this.#withPassword(id, password);
  }

  async update(actor: Principal, id: string, patch: UpdateUserRequest): Promise<AdminUser | Refusal> {
    const before = await this.get(id);
    if (isRefusal(before)) return before;
    const lockout = actor.userId === id ? selfLockout(patch) : null;
    if (lockout) return lockout;
    const role = patch.role === undefined ? before.role : patch.role;
    // Only managers oversee teams: a new role other than manager clears the teams they managed.
    const managedTeamIds =
      role === 'manager' ? patch.managedTeamIds : before.managedTeamIds.length ? [] : undefined;
    const wrong = await this.#checkReferences(patch.organisationId ?? null, role, patch.managedTeamIds ?? []);
    if (wrong) return wrong;
    const { name, email, profession, organisationId, active } = patch;
    const changes = { name, email, profession, organisationId, role: patch.role, active };
    const updated = await unlessTaken(
      () => this.deps.accounts.update(id, changes, managedTeamIds),
      'email',
      DUPLICATE_EMAIL,
    );
    if (isRefusal(updated)) return updated;
    const after = await this.get(id);
    if (isRefusal(after)) return after;

    if (before.active && !after.active) await this.deps.sessions.endForUser(id, 'deactivated');
    if (before.role !== after.role || !sameSet(before.managedTeamIds, after.managedTeamIds))
      this.deps.events.emit('users-changed', [id]);
    return after;
  }

  /** A new temporary password: ends the user's sessions and lifts any hold on signing in. */
  async resetPassword(id: string): Promise<TemporaryPasswordResponse | Refusal> {
    const user = await this.get(id);
    if (isRefusal(user)) return user;
    const password = temporaryPassword();
    await this.deps.users.setPassword(id, password, { temporary: true });
    await this.deps.sessions.endForUser(id, 'password-changed');
    await this.deps.throttle.clearAccount(user.email);
    return this.#withPassword(id, password);
  }

  async #withPassword(id: string, temporaryPassword: string): Promise<TemporaryPasswordResponse | Refusal> {
    const user = await this.get(id);
    return isRefusal(user) ? user : { user, temporaryPassword };
  }

  /** Why the organisation or managed teams named cannot be used, if they cannot. */
  async #checkReferences(
    organisationId: string | null,
    role: GlobalRole | null,
    managedTeamIds: readonly string[],
  ): Promise<Refusal | null> {
    if (organisationId !== null && (await this.deps.organisations.missing([organisationId])).length > 0)
      return refuse('invalid', 'There is no organisation with that id', 'organisationId');
    if (managedTeamIds.length === 0) return null;
    if (role !== 'manager')
      return refuse('invalid', 'Only managers oversee teams: make them a manager first', 'managedTeamIds');
    if ((await this.deps.teams.missing(managedTeamIds)).length > 0)
      return refuse('invalid', 'There is no team with that id', 'managedTeamIds');
    return null;
  }
}

/** An admin cannot switch off their own account or give up their own admin role. */
function selfLockout(patch: UpdateUserRequest): Refusal | null {
  if (patch.active === false) return refuse('invalid', 'You cannot deactivate your own account', 'active');
  if (patch.role !== undefined && patch.role !== 'admin')
    return refuse('invalid', 'You cannot remove your own admin role: ask another admin', 'role');
  return null;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return a.length === b.length && b.every((x) => set.has(x));
}

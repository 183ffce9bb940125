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
import { unlessTaken } from '../http/conflicts.ts';
import { HttpError } from '../http/errors.ts';
import type { OrganisationsRepository } from '../organisations/organisationsRepository.ts';
import type { TeamsRepository } from '../teams/teamsRepository.ts';
import type { AdminUsersRepository } from './adminUsersRepository.ts';
import type { UsersRepository } from './usersRepository.ts';

export const NO_SUCH_USER = 'There is no user with that id';
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

  async get(id: string): Promise<AdminUser> {
    const user = await this.deps.accounts.get(id);
    if (!user) throw new HttpError(404, NO_SUCH_USER);
    return user;
  }

  async create(request: NewUser): Promise<TemporaryPasswordResponse> {
    await this.#checkReferences(request.organisationId, request.role, request.managedTeamIds);
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
    return { user: await this.get(id), temporaryPassword: password };
  }

  async update(actor: Principal, id: string, patch: UpdateUserRequest): Promise<AdminUser> {
    const before = await this.get(id);
    if (actor.userId === id) refuseSelfLockout(patch);
    const role = patch.role === undefined ? before.role : patch.role;
    // Only managers oversee teams: a new role other than manager clears the teams they managed.
    const managedTeamIds =
      role === 'manager' ? patch.managedTeamIds : before.managedTeamIds.length ? [] : undefined;
    await this.#checkReferences(patch.organisationId ?? null, role, patch.managedTeamIds ?? []);
    const { name, email, profession, organisationId, active } = patch;
    const changes = { name, email, profession, organisationId, role: patch.role, active };
    await unlessTaken(() => this.deps.accounts.update(id, changes, managedTeamIds), 'email', DUPLICATE_EMAIL);
    const after = await this.get(id);

    if (before.active && !after.active) await this.deps.sessions.endForUser(id, 'deactivated');
    if (before.role !== after.role || !sameSet(before.managedTeamIds, after.managedTeamIds))
      this.deps.events.emit('users-changed', [id]);
    return after;
  }

  /** A new temporary password: ends the user's sessions and lifts any hold on signing in. */
  async resetPassword(id: string): Promise<TemporaryPasswordResponse> {
    const user = await this.get(id);
    const password = temporaryPassword();
    await this.deps.users.setPassword(id, password, { temporary: true });
    await this.deps.sessions.endForUser(id, 'password-changed');
    await this.deps.throttle.clearAccount(user.email);
    return { user: await this.get(id), temporaryPassword: password };
  }

  async #checkReferences(
    organisationId: string | null,
    role: GlobalRole | null,
    managedTeamIds: readonly string[],
  ): Promise<void> {
    if (organisationId !== null && (await this.deps.organisations.missing([organisationId])).length > 0)
      throw invalid('organisationId', 'There is no organisation with that id');
    if (managedTeamIds.length === 0) return;
    if (role !== 'manager')
      throw invalid('managedTeamIds', 'Only managers oversee teams: make them a manager first');
    if ((await this.deps.teams.missing(managedTeamIds)).length > 0)
      throw invalid('managedTeamIds', 'There is no team with that id');
  }
}

/** An admin cannot switch off their own account or give up their own admin role. */
function refuseSelfLockout(patch: UpdateUserRequest): void {
  if (patch.active === false) throw invalid('active', 'You cannot deactivate your own account');
  if (patch.role !== undefined && patch.role !== 'admin')
    throw invalid('role', 'You cannot remove your own admin role: ask another admin');
}

function invalid(path: string, message: string): HttpError {
  return new HttpError(400, message, [{ path, message }]);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return a.length === b.length && b.every((x) => set.has(x));
}

import type { Kysely } from 'kysely';
import { uuidv4 } from 'lib0/random';
import type { AdminUser, DirectoryUser } from '#shared/users';
import type { GlobalRole } from '#shared/access';
import type { Database } from '../db/schema.ts';
import { organisationOf } from '../organisations/organisationsRepository.ts';

/** The fields of an account an admin sets. */
export interface AccountFields {
  name: string;
  email: string;
  profession: string;
  organisationId: string | null;
  role: GlobalRole | null;
}

/** A new account with its (temporary) password already hashed. */
export interface NewAccount extends AccountFields {
  passwordHash: string;
  mustChangePassword: boolean;
}

export type AccountChanges = Partial<AccountFields & { active: boolean }>;

/** Accounts as the admin pages and the people directory see them. */
export class AdminUsersRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<AdminUser[]> {
    return this.#load();
  }

  async get(id: string): Promise<AdminUser | undefined> {
    return (await this.#load(id))[0];
  }

  /** Active people, by name: whom an admin or facilitator can add to a team. */
  async directory(): Promise<DirectoryUser[]> {
    const rows = await this.#withOrganisation()
      .select(['u.id', 'u.name', 'u.profession'])
      .where('u.active', '=', true)
      .orderBy('u.name')
      .orderBy('u.id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      profession: r.profession,
      organisation: organisationOf(r),
    }));
  }

  /** Creates an account; throws the database's unique violation when the email is taken. */
  async create(
    account: NewAccount,
    managedTeamIds: readonly string[],
    id: string = uuidv4(),
  ): Promise<string> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('users')
        .values({
          id,
          name: account.name,
          email: account.email,
          profession: account.profession,
          organisation_id: account.organisationId,
          role: account.role,
          password_hash: account.passwordHash,
          must_change_password: account.mustChangePassword,
        })
        .execute();
      if (managedTeamIds.length > 0)
        await trx
          .insertInto('manager_teams')
          .values(managedTeamIds.map((teamId) => ({ user_id: id, team_id: teamId })))
          .execute();
    });
    return id;
  }

  /**
   * Changes an account and, when `managedTeamIds` is given, replaces the teams it manages, in one
   * transaction. Throws the database's unique violation when the new email is taken.
   */
  async update(id: string, changes: AccountChanges, managedTeamIds?: readonly string[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({
          name: changes.name,
          email: changes.email,
          profession: changes.profession,
          organisation_id: changes.organisationId,
          role: changes.role,
          active: changes.active,
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
      if (managedTeamIds === undefined) return;
      await trx.deleteFrom('manager_teams').where('user_id', '=', id).execute();
      if (managedTeamIds.length > 0)
        await trx
          .insertInto('manager_teams')
          .values(managedTeamIds.map((teamId) => ({ user_id: id, team_id: teamId })))
          .execute();
    });
  }

  #withOrganisation() {
    return this.db
      .selectFrom('users as u')
      .leftJoin('organisations as o', 'o.id', 'u.organisation_id')
      .select(['o.id as organisation_id', 'o.name as organisation_name', 'o.kind as organisation_kind']);
  }

  async #load(id?: string): Promise<AdminUser[]> {
    let users = this.#withOrganisation()
      .select([
        'u.id',
        'u.name',
        'u.email',
        'u.profession',
        'u.role',
        'u.active',
        'u.must_change_password',
        'u.created_at',
      ])
      .orderBy('u.name')
      .orderBy('u.id');
    let teams = this.db
      .selectFrom('team_memberships as tm')
      .innerJoin('teams as t', 't.id', 'tm.team_id')
      .select(['tm.user_id', 't.id', 't.name', 'tm.role'])
      .orderBy('t.name');
    let managed = this.db.selectFrom('manager_teams').select(['user_id', 'team_id']).orderBy('team_id');
    if (id !== undefined) {
      users = users.where('u.id', '=', id);
      teams = teams.where('tm.user_id', '=', id);
      managed = managed.where('user_id', '=', id);
    }
    const [userRows, teamRows, managedRows] = await Promise.all([
      users.execute(),
      teams.execute(),
      managed.execute(),
    ]);
    const teamsOf = groupBy(teamRows, (t) => ({ id: t.id, name: t.name, role: t.role }));
    const managedBy = groupBy(managedRows, (m) => m.team_id);
    return userRows.map((u) => ({
      id: u.id,
      name: u.name,
      email: u.email,
      profession: u.profession,
      organisation: organisationOf(u),
      role: u.role,
      active: u.active,
      mustChangePassword: u.must_change_password,
      managedTeamIds: managedBy.get(u.id) ?? [],
      teams: teamsOf.get(u.id) ?? [],
      createdAt: new Date(u.created_at).toISOString(),
    }));
  }
}

/** Rows grouped by their `user_id`, each mapped to what the user record keeps of it. */
function groupBy<R extends { user_id: string }, T>(
  rows: readonly R[],
  pick: (row: R) => T,
): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const list = out.get(row.user_id);
    if (list) list.push(pick(row));
    else out.set(row.user_id, [pick(row)]);
  }
  return out;
}

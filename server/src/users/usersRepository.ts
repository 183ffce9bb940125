import type { Kysely } from 'kysely';
import type { CurrentUser } from '#shared/auth';
import type { Database, UserRow } from '../db/schema.ts';
import { hashPassword } from '../auth/passwords.ts';

/** The people who sign in to Huddle. */
export class UsersRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async findByEmail(email: string): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email.trim().toLowerCase())
      .executeTakeFirst();
  }

  async findById(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The signed-in user as the browser sees them. */
  async currentUser(userId: string): Promise<CurrentUser | undefined> {
    const user = await this.findById(userId);
    if (!user) return undefined;
    const [organisation, teams] = await Promise.all([
      user.organisation_id
        ? this.db
            .selectFrom('organisations')
            .select(['id', 'name', 'kind'])
            .where('id', '=', user.organisation_id)
            .executeTakeFirst()
        : undefined,
      this.db
        .selectFrom('team_memberships as tm')
        .innerJoin('teams as t', 't.id', 'tm.team_id')
        .select(['t.id', 't.name', 'tm.role'])
        .where('tm.user_id', '=', userId)
        .orderBy('t.name')
        .execute(),
    ]);
    return {
      id: user.id,
      name: user.name,
      email: user.email,
      profession: user.profession,
      organisation: organisation ?? null,
      role: user.role,
      mustChangePassword: user.must_change_password,
      teams,
    };
  }

  /** Sets a password. `temporary`: one an admin passes on, to be changed at first sign-in. */
  async setPassword(userId: string, password: string, { temporary }: { temporary: boolean }): Promise<void> {
    await this.db
      .updateTable('users')
      .set({
        password_hash: await hashPassword(password),
        must_change_password: temporary,
        updated_at: new Date(),
      })
      .where('id', '=', userId)
      .execute();
  }
}

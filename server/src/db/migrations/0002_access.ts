import { sql, type Kysely } from 'kysely';

// Users, teams, memberships, which teams own which boards, managers' scopes, sessions, sign-in
// throttling, single sign-on handshakes, and the append-only audit trail.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`email = lower(email)`),
    )
    .addColumn('profession', 'text', (c) => c.notNull())
    .addColumn('organisation_id', 'text', (c) => c.references('organisations.id'))
    .addColumn('role', 'text', (c) => c.check(sql`role in ('admin', 'manager')`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('password_hash', 'text')
    .addColumn('must_change_password', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('teams')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // "Riverside frailty MDT" and "riverside frailty mdt" are one name to the people choosing from a list.
  await db.schema
    .createIndex('teams_name_lower_key')
    .on('teams')
    .unique()
    .expression(sql`lower(name)`)
    .execute();
  await db.schema
    .createIndex('organisations_name_lower_key')
    .on('organisations')
    .unique()
    .expression(sql`lower(name)`)
    .execute();

  await db.schema
    .createTable('team_memberships')
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('facilitator', 'member', 'viewer')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('team_memberships_pkey', ['team_id', 'user_id'])
    .execute();
  await db.schema.createIndex('team_memberships_user_idx').on('team_memberships').column('user_id').execute();

  await db.schema
    .createTable('board_teams')
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addPrimaryKeyConstraint('board_teams_pkey', ['board_id', 'team_id'])
    .execute();
  await db.schema.createIndex('board_teams_team_idx').on('board_teams').column('team_id').execute();

  await db.schema
    .createTable('manager_teams')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addPrimaryKeyConstraint('manager_teams_pkey', ['user_id', 'team_id'])
    .execute();

  await db.schema
    .createTable('sessions')
    // The SHA-256 of the cookie's token: a copy of this table cannot be used to sign in.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('sign_in_failures')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('oidc_logins')
    .addColumn('state', 'text', (c) => c.primaryKey())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('return_to', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('event', 'text', (c) => c.notNull().check(sql`event in ('change', 'open')`))
    .addColumn('board_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    // The name at the time: the trail reads the same after someone changes their name.
    .addColumn('user_name', 'text')
    .addColumn('record_type', 'text')
    .addColumn('record_id', 'text')
    .addColumn('field', 'text')
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .execute();
  await db.schema
    .createIndex('audit_events_record_idx')
    .on('audit_events')
    .columns(['board_id', 'record_type', 'record_id', 'id'])
    .execute();
  await db.schema.createIndex('audit_events_at_idx').on('audit_events').column('at').execute();

  // Append-only, whatever the application does: the database refuses to change or remove a row.
  await sql`
    create function audit_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'the audit trail is append-only: % is not allowed on audit_events', tg_op;
    end;
    $$`.execute(db);
  await sql`
    create trigger audit_events_no_update_or_delete before update or delete on audit_events
    for each row execute function audit_events_append_only()`.execute(db);
  await sql`
    create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function audit_events_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('organisations_name_lower_key').execute();
  await db.schema.dropTable('audit_events').execute();
  await sql`drop function audit_events_append_only()`.execute(db);
  for (const table of [
    'oidc_logins',
    'sign_in_failures',
    'sessions',
    'manager_teams',
    'board_teams',
    'team_memberships',
    'teams',
    'users',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}

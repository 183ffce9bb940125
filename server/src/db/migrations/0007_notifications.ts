import { sql, type Kysely } from 'kysely';

/*
 * Notifications and the email they lead to.
 *
 * - `notifications`: one row per thing someone is told (an action proposed to them, their proposal
 *   accepted, an action due tomorrow...), written with the change that caused it or by the reminder
 *   job. `dedupe_key` makes a reminder once only, however often the job runs and on however many
 *   servers. `digested_at` and `emailed_at` say which email has carried it.
 * - `notification_preferences`: how each person wants email (a daily digest by default).
 * - `email_outbox`: every email, written before it is sent (with SMTP) or logged (without).
 *   `dedupe_key` keeps one digest per person per day; `claimed_at` is set by the one sender that
 *   sends it, so two servers never send it twice.
 * - `scheduled_runs`: which periodic jobs have run for which period (a day, an hour), so a job runs
 *   once per period across restarts and servers.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text')
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text')
    .addColumn('subject', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('read_at', 'timestamptz')
    .addColumn('emailed_at', 'timestamptz')
    .addColumn('dedupe_key', 'text')
    .addUniqueConstraint('notifications_once', ['user_id', 'dedupe_key'])
    .execute();
  await db.schema
    .createIndex('notifications_by_user')
    .on('notifications')
    .columns(['user_id', 'created_at'])
    .execute();
  await sql`create index notifications_unread on notifications (user_id) where read_at is null`.execute(db);

  await db.schema
    .createTable('notification_preferences')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull().defaultTo('digest'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('email_outbox')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('dedupe_key', 'text', (c) => c.unique())
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('delivery', 'text')
    .addColumn('error', 'text')
    .execute();
  await sql`create index email_outbox_unsent on email_outbox (id) where claimed_at is null`.execute(db);

  await db.schema
    .createTable('scheduled_runs')
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('ran_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('scheduled_runs_pkey', ['job', 'period'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['scheduled_runs', 'email_outbox', 'notification_preferences', 'notifications'])
    await db.schema.dropTable(table).execute();
}

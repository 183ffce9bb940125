import { sql, type Kysely } from 'kysely';

// The browsers each user has signed in on: a wrong password from one of them is counted on its own,
// so nobody else's wrong passwords keep a clinician out of her account there.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('trusted_devices')
    // The SHA-256 of the device cookie's random token.
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('first_signed_in_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_signed_in_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('trusted_devices_pkey', ['device_id', 'user_id'])
    .execute();
  await db.schema.createIndex('trusted_devices_user_idx').on('trusted_devices').column('user_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('trusted_devices').execute();
}

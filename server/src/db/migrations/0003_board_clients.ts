import { sql, type Kysely } from 'kysely';

// Which user writes under each Yjs document client id of a board: nobody may write under another's.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('board_clients')
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('client_id', 'bigint', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('bound_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('board_clients_pkey', ['board_id', 'client_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('board_clients').execute();
}

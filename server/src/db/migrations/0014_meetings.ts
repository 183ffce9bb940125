import type { Kysely } from 'kysely';

/*
 * What is fixed once a meeting closes (meetings/boardMeetings.ts): its summary, as it was when the
 * chair finished it, with the version it saved; and the team's pulse, answered afterwards by those
 * who attended. Pulse answers name nobody: who has answered is kept apart, only to answer once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('meeting_summaries')
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('meeting_id', 'text', (c) => c.notNull())
    .addColumn('series', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz', (c) => c.notNull())
    .addColumn('version_id', 'bigint', (c) => c.references('board_versions.id').onDelete('set null'))
    .addColumn('summary', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('meeting_summaries_pk', ['board_id', 'meeting_id'])
    .execute();
  await db.schema
    .createIndex('meeting_summaries_finished_idx')
    .on('meeting_summaries')
    .columns(['board_id', 'finished_at'])
    .execute();
  await db.schema
    .createTable('meeting_pulse_answers')
    // A random id: no order to match against who answered.
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('board_id', 'text', (c) => c.notNull())
    .addColumn('meeting_id', 'text', (c) => c.notNull())
    // One score from 1 to 5 per question, in the questions' order.
    .addColumn('scores', 'jsonb', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addForeignKeyConstraint(
      'meeting_pulse_answers_meeting_fk',
      ['board_id', 'meeting_id'],
      'meeting_summaries',
      ['board_id', 'meeting_id'],
      (c) => c.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createTable('meeting_pulse_responders')
    .addColumn('board_id', 'text', (c) => c.notNull())
    .addColumn('meeting_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('meeting_pulse_responders_pk', ['board_id', 'meeting_id', 'user_id'])
    .addForeignKeyConstraint(
      'meeting_pulse_responders_meeting_fk',
      ['board_id', 'meeting_id'],
      'meeting_summaries',
      ['board_id', 'meeting_id'],
      (c) => c.onDelete('cascade'),
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('meeting_pulse_responders').execute();
  await db.schema.dropTable('meeting_pulse_answers').execute();
  await db.schema.dropTable('meeting_summaries').execute();
}

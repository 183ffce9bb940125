import { sql, type Kysely } from 'kysely';
import { ITEM_RESULT_LABELS } from '#shared/board/meetings/meeting';
import { notificationPath } from '#shared/notifications';
import type { MeetingSummary } from '#shared/meetings';
import type { Database } from '../db/schema.ts';

/** People listed by initials in a summary's email, at most; the link has the rest. */
const LISTED = 40;

/**
 * The email telling someone a meeting's summary is ready: who finished which meeting on which
 * board, the figures, each person by initials and what became of them, and the link. No names and
 * no clinical detail: outcomes are read in Huddle, behind sign-in.
 */
export function summaryEmail(summary: MeetingSummary, siteUrl: string): { subject: string; text: string } {
  const f = summary.figures;
  const link = `${siteUrl}${notificationPath({ kind: 'meeting-summary', boardId: summary.boardId, recordType: 'meetings', recordId: summary.meetingId })}`;
  const people = summary.people
    .slice(0, LISTED)
    .map((p) => `- ${p.initials}: ${ITEM_RESULT_LABELS[p.result].toLowerCase()}`);
  if (summary.people.length > LISTED) people.push(`- and ${summary.people.length - LISTED} more`);
  return {
    subject: `Huddle: summary of ${summary.label} (${summary.boardName})`,
    text: [
      `${summary.chair ?? 'The chair'} finished ${summary.label} on ${summary.boardName}.`,
      `${f.people} people: ${f.discussed} discussed, ${f.noted} noted without discussion, ${f.carriedOver} carried over. ${f.actionsAgreed} actions agreed.`,
      '',
      ...people,
      '',
      `Read the summary: ${link}`,
      '',
      `Choose how Huddle emails you: ${siteUrl}/notifications`,
    ].join('\n'),
  };
}

/**
 * Tells every member of the board's teams from an organisation that attended a finished meeting
 * that its summary is ready: a notification in the app, and an email straight away unless they have
 * chosen none. Once per person per meeting, however often it is asked. Returns who was told.
 */
export async function tellAttendingOrganisations(
  db: Kysely<Database>,
  summary: MeetingSummary,
  siteUrl: string,
  now: Date = new Date(),
): Promise<string[]> {
  const organisations = [
    ...new Set(summary.attendance.flatMap((a) => (a.organisationId ? [a.organisationId] : []))),
  ];
  if (organisations.length === 0) return [];
  const email = summaryEmail(summary, siteUrl);
  return db.transaction().execute(async (trx) => {
    const people = await trx
      .selectFrom('users as u')
      .leftJoin('notification_preferences as np', 'np.user_id', 'u.id')
      .select(['u.id', 'u.email', 'np.email as choice'])
      .where('u.active', '=', true)
      .where('u.organisation_id', 'in', organisations)
      // Members of the board's teams: those who work on it, not everyone who may look at it.
      .where(
        sql<boolean>`exists (select 1 from team_memberships tm join board_teams bt on bt.team_id = tm.team_id
          where tm.user_id = u.id and bt.board_id = ${summary.boardId})`,
      )
      .execute();
    if (people.length === 0) return [];
    const key = `meeting-summary:${summary.boardId}:${summary.meetingId}`;
    const told = await trx
      .insertInto('notifications')
      .values(
        people.map((person) => ({
          user_id: person.id,
          kind: 'meeting-summary',
          board_id: summary.boardId,
          record_type: 'meetings',
          record_id: summary.meetingId,
          actor_name: summary.chair,
          subject: summary.label,
          dedupe_key: key,
          created_at: now,
          emailed_at: person.choice === 'off' ? null : now,
        })),
      )
      .onConflict((oc) => oc.columns(['user_id', 'dedupe_key']).doNothing())
      .returning('user_id')
      .execute();
    const toldIds = new Set(told.map((row) => row.user_id));
    const emailed = people.filter((p) => toldIds.has(p.id) && p.choice !== 'off');
    if (emailed.length > 0) {
      await trx
        .insertInto('email_outbox')
        .values(
          emailed.map((person) => ({
            user_id: person.id,
            to_address: person.email,
            subject: email.subject,
            body: email.text,
            dedupe_key: `${key}:${person.id}`,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    return [...toldIds];
  });
}

import type { Kysely } from 'kysely';
import { addDays, daysBetween } from '#shared/board/record';
import {
  PULSE_QUESTIONS,
  PULSE_SHOWN_FROM,
  type MeetingProgress,
  type MeetingSummary,
  type MeetingWeek,
} from '#shared/meetings';
import type { ProgressQuery } from '#shared/progress';
import { ukToday } from '#shared/progress';
import type { Database } from '../db/schema.ts';
import type { Principal } from '../access/principal.ts';
import { isRefusal, type Refusal } from '../refusal.ts';
import type { ProgressQueries } from './progressFigures.ts';

/** The Monday of the UK week holding `day`. */
function mondayOf(day: string): string {
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}

/**
 * The progress page's meeting figures: for each team whose boards the principal may see, its
 * meetings by week over the period (the default: the last four weeks) — time per person, discussed,
 * noted and carried over, actions agreed and how many were done on time, and the pulse where enough
 * answered to show it. Read from the summaries fixed when meetings closed and the projected actions.
 */
export async function meetingProgress(
  db: Kysely<Database>,
  progress: ProgressQueries,
  principal: Principal,
  query: ProgressQuery,
  now: Date = new Date(),
): Promise<MeetingProgress | Refusal> {
  const view = await progress.view(principal, query);
  if (isRefusal(view)) return view;
  const { period, boards } = view;
  const today = ukToday(now);
  if (boards.length === 0) return { period, teams: [] };
  const rows = await db
    .selectFrom('meeting_summaries')
    .select(['board_id', 'meeting_id', 'finished_at', 'summary'])
    .where(
      'board_id',
      'in',
      boards.map((b) => b.id),
    )
    .where('finished_at', '>=', new Date(`${addDays(period.from, -1)}T00:00:00Z`))
    .where('finished_at', '<', new Date(`${addDays(period.to, 2)}T00:00:00Z`))
    .orderBy('finished_at')
    .limit(5_000)
    .execute();
  const meetings = rows
    .map((row) => ({ ...row, day: ukToday(row.finished_at), summary: row.summary as MeetingSummary }))
    .filter((row) => row.day >= period.from && row.day <= period.to);
  const agreed = meetings.flatMap((m) =>
    m.summary.people.flatMap((p) => p.actions.map((a) => ({ boardId: m.board_id, id: a.id }))),
  );
  const actions = new Map<string, { due: string | null; done: string | null }>();
  if (agreed.length > 0) {
    const found = await db
      .selectFrom('projected_actions')
      .select(['board_id', 'id', 'due_date', 'completed_at', 'status'])
      .where('board_id', 'in', [...new Set(agreed.map((a) => a.boardId))])
      .where(
        'id',
        'in',
        agreed.map((a) => a.id),
      )
      .execute();
    for (const a of found)
      actions.set(`${a.board_id}/${a.id}`, {
        due: a.due_date,
        done: a.status === 'done' && a.completed_at ? ukToday(a.completed_at) : null,
      });
  }
  const pulses = new Map<string, number[][]>();
  if (meetings.length > 0) {
    const answers = await db
      .selectFrom('meeting_pulse_answers')
      .select(['board_id', 'meeting_id', 'scores'])
      .where(
        'meeting_id',
        'in',
        meetings.map((m) => m.meeting_id),
      )
      .execute();
    for (const a of answers) {
      const key = `${a.board_id}/${a.meeting_id}`;
      pulses.set(key, [...(pulses.get(key) ?? []), a.scores]);
    }
  }

  const weeks: string[] = [];
  for (let monday = mondayOf(period.from); monday <= period.to; monday = addDays(monday, 7))
    weeks.push(monday);
  const teams = new Map<string, { id: string; name: string; weeks: Map<string, MeetingWeek> }>();
  for (const board of boards)
    for (const team of board.teams)
      if (!teams.has(team.id))
        teams.set(team.id, {
          id: team.id,
          name: team.name,
          weeks: new Map(weeks.map((w) => [w, emptyWeek(w)])),
        });
  const spent = new Map<MeetingWeek, { seconds: number; people: number; scores: number[][] }>();
  for (const meeting of meetings) {
    const board = boards.find((b) => b.id === meeting.board_id)!;
    const answers = pulses.get(`${meeting.board_id}/${meeting.meeting_id}`) ?? [];
    for (const team of board.teams) {
      const week = teams.get(team.id)!.weeks.get(mondayOf(meeting.day));
      if (!week) continue;
      const f = meeting.summary.figures;
      week.meetings += 1;
      week.people += f.people;
      week.discussed += f.discussed;
      week.noted += f.noted;
      week.carriedOver += f.carriedOver;
      week.actionsAgreed += f.actionsAgreed;
      const time = spent.get(week) ?? { seconds: 0, people: 0, scores: [] };
      for (const person of meeting.summary.people) {
        if (person.result === 'discussed') {
          time.seconds += person.secondsSpent;
          time.people += 1;
        }
        for (const action of person.actions) {
          const now = actions.get(`${meeting.board_id}/${action.id}`);
          if (!now?.due || daysBetween(now.due, today) < 0) continue;
          week.agreedDue += 1;
          if (now.done && now.done <= now.due) week.agreedDoneOnTime += 1;
        }
      }
      if (answers.length >= PULSE_SHOWN_FROM) time.scores.push(...answers);
      spent.set(week, time);
    }
  }
  for (const [week, time] of spent) {
    week.secondsPerPerson = time.people ? Math.round(time.seconds / time.people) : null;
    week.pulseAnswers = time.scores.length;
    week.pulse = time.scores.length
      ? PULSE_QUESTIONS.map(
          (_, i) =>
            Math.round((time.scores.reduce((sum, s) => sum + (s[i] ?? 0), 0) / time.scores.length) * 10) / 10,
        )
      : null;
  }
  return {
    period,
    teams: [...teams.values()]
      .map((team) => ({ id: team.id, name: team.name, weeks: [...team.weeks.values()] }))
      .sort((a, b) => a.name.localeCompare(b.name, 'en-GB')),
  };
}

function emptyWeek(weekStart: string): MeetingWeek {
  return {
    weekStart,
    meetings: 0,
    people: 0,
    discussed: 0,
    noted: 0,
    carriedOver: 0,
    secondsPerPerson: null,
    actionsAgreed: 0,
    agreedDue: 0,
    agreedDoneOnTime: 0,
    pulseAnswers: 0,
    pulse: null,
  };
}

import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  PULSE_OPEN_DAYS,
  PULSE_QUESTIONS,
  PULSE_SHOWN_FROM,
  type MeetingSummary,
  type PulseResults,
} from '#shared/meetings';
import type { Database } from '../db/schema.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { refuse, type Refusal } from '../refusal.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The team's pulse after a meeting: those who attended answer a few statements once, anonymously
 * (who answered is kept apart from the answers, which carry a random id and no time). The answers
 * are shown only once `PULSE_SHOWN_FROM` people have answered, always with how many.
 */
export class MeetingPulse {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async answer(
    boardId: string,
    summary: MeetingSummary,
    userId: string,
    answer: { scores: number[]; comment: string },
  ): Promise<PulseResults | Refusal> {
    const open = this.#openTo(summary, userId);
    if (open) return open;
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('meeting_pulse_responders')
          .values({ board_id: boardId, meeting_id: summary.meetingId, user_id: userId })
          .execute();
        await trx
          .insertInto('meeting_pulse_answers')
          .values({
            id: randomUUID(),
            board_id: boardId,
            meeting_id: summary.meetingId,
            scores: JSON.stringify(answer.scores),
            comment: answer.comment || null,
          })
          .execute();
      });
    } catch (error) {
      if (isUniqueViolation(error)) return refuse('conflict', 'You have answered for this meeting already');
      throw error;
    }
    return this.results(boardId, summary, userId);
  }

  async results(boardId: string, summary: MeetingSummary, userId: string): Promise<PulseResults> {
    const [answers, mine] = await Promise.all([
      this.db
        .selectFrom('meeting_pulse_answers')
        .select(['scores', 'comment'])
        .where('board_id', '=', boardId)
        .where('meeting_id', '=', summary.meetingId)
        .execute(),
      this.db
        .selectFrom('meeting_pulse_responders')
        .select('user_id')
        .where('board_id', '=', boardId)
        .where('meeting_id', '=', summary.meetingId)
        .where('user_id', '=', userId)
        .executeTakeFirst(),
    ]);
    const shown = answers.length >= PULSE_SHOWN_FROM;
    return {
      answered: answers.length,
      shown,
      averages: shown ? averagesOf(answers.map((a) => a.scores)) : null,
      comments: shown
        ? answers.flatMap((a) => (a.comment ? [a.comment] : [])).sort((a, b) => a.localeCompare(b, 'en-GB'))
        : null,
      canAnswer: !mine && this.#openTo(summary, userId) === null,
      youAnswered: mine !== undefined,
    };
  }

  #openTo(summary: MeetingSummary, userId: string): Refusal | null {
    if (!summary.attendance.some((a) => a.userId === userId))
      return refuse('forbidden', 'Only those who attended the meeting answer its pulse');
    if (this.now().getTime() - Date.parse(summary.finishedAt) > PULSE_OPEN_DAYS * DAY_MS)
      return refuse('conflict', `The pulse is answered within ${PULSE_OPEN_DAYS} days of the meeting`);
    return null;
  }
}

/** The mean score of each question, to one decimal place. */
export function averagesOf(scores: readonly (readonly number[])[]): number[] {
  return PULSE_QUESTIONS.map((_, i) => {
    const values = scores.map((s) => s[i]).filter((v): v is number => typeof v === 'number');
    return values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10 : 0;
  });
}

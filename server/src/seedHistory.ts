import type { Kysely } from 'kysely';
import { BoardDocument } from '#shared/board/boardDoc';
import { ukToday } from '#shared/progress';
import { seededRandom } from '#shared/random';
import { auditHook } from './audit/auditHook.ts';
import type { StorageConfig } from './config.ts';
import type { Database } from './db/schema.ts';
import type { Logger } from './log.ts';
import { projectionHook } from './projection/projectionHook.ts';
import { projectionIsCurrent } from './projection/projectionTables.ts';
import { PostgresBoardStorage } from './storage/postgresBoardStorage.ts';
import { SERVER_ORIGIN, type TransactionOrigin } from './sync/origin.ts';
import { Room } from './sync/Room.ts';
import { roomPersistence } from './sync/roomPersistence.ts';

/*
 * Twelve weeks of the demo Place's past, so that the progress page shows real trends on first start:
 * people referred to each board, moving along the pathway and stepping down; goals agreed and
 * achieved; actions proposed across organisations, accepted, and completed (some after their due
 * date) or cancelled. Written through the server's own write path, each change at the time it
 * happened (a room whose clock is set to it, with the audit and projection hooks, stored as the
 * server stores changes), so the audit trail, the history and the projection agree.
 *
 * Everything in it is finished before today (people who stepped down are archived, every action is
 * done or cancelled), so the demo's own people and open actions stay what the board shows today.
 */

const DAY_MS = 86_400_000;
const WEEKS = 12;

interface Member {
  id: string;
  name: string;
  organisationId: string;
}

export interface HistoryBoard {
  boardId: string;
  /** Who works on it: proposers and owners of its actions. */
  members: Member[];
  /** People referred over the twelve weeks. */
  people: string[];
  /** What its actions are about, and what its goals say, in the person's words. */
  actions: string[];
  goals: string[];
  /** Where an NHS number of its people starts among the test numbers. */
  nhsNumbersFrom: number;
}

const STAGES_STEPPED_DOWN_AT = 5;

/** One change to a board, at its time, by one of its members. */
interface Step {
  at: number;
  by: Member;
  write: (board: BoardDocument, now: Date) => void;
}

/** The steps of one board's twelve weeks, ending before `today`. */
function historyOf(
  board: HistoryBoard,
  stageIds: readonly string[],
  today: Date,
  nhsNumber: (n: number) => string,
  seed: number,
): Step[] {
  const next = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const end = today.getTime() - DAY_MS;
  const start = today.getTime() - WEEKS * 7 * DAY_MS;
  const day = (at: number) => ukToday(new Date(at));
  const steps: Step[] = [];
  board.people.forEach((name, p) => {
    const personId = `history-${board.boardId}-${p + 1}`;
    const by = pick(board.members);
    const actor = { id: by.id, name: by.name };
    // Referrals spread over the first nine weeks; each stays five to eight weeks.
    const arrives = start + Math.floor((p / board.people.length) * 63 * DAY_MS + next() * 3 * DAY_MS);
    steps.push({
      at: arrives,
      by,
      write: (b, now) => {
        b.addPerson(
          {
            name,
            nhsNumber: nhsNumber(board.nhsNumbersFrom + p),
            dateOfBirth: `19${30 + Math.floor(next() * 20)}-0${1 + Math.floor(next() * 9)}-1${Math.floor(next() * 9)}`,
            frailtyScore: 4 + Math.floor(next() * 4),
            risk: 'amber',
            riskReason: 'Recently unwell; needs support at home',
            keyWorkerId: by.id,
            keyWorkerName: by.name,
            organisationIds: [...new Set(board.members.map((m) => m.organisationId))],
          },
          { by: actor, id: personId, now },
        );
        b.movePersonToStage(personId, stageIds[0]!, { by: actor, now });
      },
    });
    let at = arrives;
    for (let s = 1; s <= STAGES_STEPPED_DOWN_AT; s++) {
      at += (5 + Math.floor(next() * 8)) * DAY_MS + Math.floor(next() * 8) * 3_600_000;
      if (at >= end) break;
      const stage = stageIds[s]!;
      steps.push({ at, by, write: (b, now) => b.movePersonToStage(personId, stage, { by: actor, now }) });
      if (s === STAGES_STEPPED_DOWN_AT && at + 3 * DAY_MS < end)
        steps.push({
          at: at + 3 * DAY_MS,
          by,
          write: (b, now) =>
            b.archivePerson(personId, 'Stepped down: no further support needed', { by: actor, now }),
        });
    }
    const steppedDown = at < end;
    // One goal in the person's own words, agreed at referral; achieved by those who stepped down.
    const goalId = `${personId}-goal`;
    const owner = pick(board.members);
    steps.push({
      at: arrives + DAY_MS,
      by,
      write: (b, now) =>
        b.addGoal(
          {
            personId,
            statement: pick(board.goals),
            status: 'in_progress',
            leadOrganisationId: owner.organisationId,
            targetDate: day(arrives + 42 * DAY_MS),
          },
          { by: actor, id: goalId, now },
        ),
    });
    if (steppedDown)
      steps.push({
        at: at - DAY_MS,
        by,
        write: (b, now) => b.updateGoal(goalId, { status: 'achieved' }, { by: actor, now }),
      });
    // Three to six actions each, proposed across organisations, most done within two weeks.
    const count = 3 + Math.floor(next() * 4);
    for (let a = 0; a < count; a++) {
      const id = `${personId}-action-${a + 1}`;
      const proposer = pick(board.members);
      const taker = pick(board.members);
      const made = arrives + Math.floor((1 + next() * 20) * DAY_MS);
      if (made >= end) continue;
      const due = made + (3 + Math.floor(next() * 10)) * DAY_MS;
      const accepted = made + Math.floor(next() * 3 * DAY_MS) + 3_600_000;
      // About one in four finishes after its due date; one in twenty is no longer needed.
      const late = next() < 0.25;
      const cancelled = next() < 0.05;
      const finished = late
        ? due + (1 + Math.floor(next() * 6)) * DAY_MS
        : made + (due - made) * (0.3 + next() * 0.6);
      if (finished >= end || accepted >= finished) continue;
      const title = pick(board.actions);
      steps.push({
        at: made,
        by: proposer,
        write: (b, now) =>
          b.addAction(
            {
              title,
              ownerId: taker.id,
              ownerName: taker.name,
              ownerOrganisationId: taker.organisationId,
              dueDate: day(due),
              personId,
            },
            { by: { id: proposer.id, name: proposer.name }, id, now },
          ),
      });
      if (proposer.id !== taker.id)
        steps.push({
          at: accepted,
          by: taker,
          write: (b, now) =>
            b.updateAction(id, { status: 'accepted' }, { by: { id: taker.id, name: taker.name }, now }),
        });
      steps.push({
        at: finished,
        by: taker,
        write: (b, now) =>
          cancelled
            ? b.updateAction(id, { status: 'cancelled' }, { by: { id: taker.id, name: taker.name }, now })
            : b.completeAction(id, { by: { id: taker.id, name: taker.name }, now }),
      });
    }
  });
  return steps.sort((x, y) => x.at - y.at);
}

/**
 * Writes the demo boards' twelve weeks (after the demo Place is seeded, before the server serves
 * anyone): each board's steps in time order, through a room with the audit and projection hooks.
 */
export async function writeDemoHistory(
  db: Kysely<Database>,
  storageConfig: StorageConfig,
  log: Logger,
  boards: readonly HistoryBoard[],
  nhsNumber: (n: number) => string,
  today = new Date(),
): Promise<number> {
  const storage = new PostgresBoardStorage(db, storageConfig, log);
  const hooks = [auditHook(), projectionHook({ isCurrent: (id) => projectionIsCurrent(db, id) }, log)];
  let written = 0;
  try {
    for (const [i, board] of boards.entries()) {
      let clock = today;
      const room = new Room(
        board.boardId,
        roomPersistence(storage),
        hooks,
        undefined,
        undefined,
        () => clock,
      );
      await room.load();
      const stageIds = new BoardDocument(room.doc, SERVER_ORIGIN)
        .readPathwayStages()
        .flatMap((read) => (read.ok ? [{ id: read.id, order: read.value.order }] : []))
        .sort((a, b) => a.order - b.order)
        .map((stage) => stage.id);
      const steps = historyOf(board, stageIds, today, nhsNumber, 2026 + i);
      for (const step of steps) {
        clock = new Date(step.at);
        const { id, name, organisationId } = step.by;
        const origin: TransactionOrigin = {
          source: 'server',
          user: { id, name, organisation: null, organisationId },
        };
        room.doc.transact(() => step.write(new BoardDocument(room.doc, origin), clock), origin);
      }
      written += steps.length;
      await room.unload();
    }
    await storage.flush();
  } finally {
    storage.close();
  }
  return written;
}

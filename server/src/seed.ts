import * as Y from 'yjs';
import { sql, type Kysely } from 'kysely';
import type { OrganisationKind } from '../../shared/api.ts';
import { BoardDocument } from '../../shared/board/boardDoc.ts';
import type { ActionStatus } from '../../shared/board/action.ts';
import { nhsCheckDigit } from '../../shared/nhsNumber.ts';
import type { Database } from './db/schema.ts';
import type { Logger } from './log.ts';
import { SERVER_ORIGIN } from './sync/origin.ts';

/** The demo Place: fictional organisations, people and staff. No real people, no real NHS numbers. */
export const DEMO_PLACE = 'Riverside Place Alliance';
export const DEMO_BOARD_ID = 'riverside-frailty-mdt';
export const DEMO_BOARD_NAME = 'Riverside frailty MDT';

const ORGANISATIONS: { id: string; name: string; kind: OrganisationKind }[] = [
  { id: 'riverside-community', name: 'Riverside Community Health NHS Trust', kind: 'nhs_trust' },
  { id: 'elm-tree-practice', name: 'Elm Tree Medical Practice', kind: 'gp_practice' },
  { id: 'riverside-asc', name: 'Riverside Council Adult Social Care', kind: 'council_social_care' },
  {
    id: 'riverside-hospital',
    name: 'Riverside University Hospitals NHS Foundation Trust',
    kind: 'nhs_trust',
  },
  { id: 'age-well-riverside', name: 'Age Well Riverside', kind: 'voluntary' },
];

/** The n-th valid NHS number in the 999 range kept for testing. */
export function testNhsNumber(n: number): string {
  let found = 0;
  for (let body = 999_000_000; body <= 999_999_999; body++) {
    const check = nhsCheckDigit(String(body));
    if (check === null) continue;
    if (found++ === n) return `${body}${check}`;
  }
  throw new Error('ran out of test NHS numbers');
}

function daysFromToday(days: number, today: Date): string {
  const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + days));
  return d.toISOString().slice(0, 10);
}

/** Builds the demo board's document: a few people and the actions agreed for them. */
export function buildDemoBoard(today = new Date()): Uint8Array {
  const doc = new Y.Doc();
  const board = new BoardDocument(doc, SERVER_ORIGIN);
  const people = [
    {
      name: 'Margaret Ellis',
      dateOfBirth: '1942-03-14',
      frailtyScore: 6,
      risk: 'red',
      riskReason: 'Two falls in a month, lives alone',
    },
    {
      name: 'Harold Bennett',
      dateOfBirth: '1947-08-02',
      frailtyScore: 5,
      risk: 'amber',
      riskReason: 'Carer (wife) in hospital this week',
    },
    {
      name: 'Edith Clarke',
      dateOfBirth: '1935-11-27',
      frailtyScore: 7,
      risk: 'red',
      riskReason: 'Not eating well since discharge',
    },
    {
      name: 'Stanley Hughes',
      dateOfBirth: '1950-05-19',
      frailtyScore: 4,
      risk: 'green',
      riskReason: 'Stable; wants to get back to the allotment',
    },
  ] as const;
  const personIds = people.map(
    (p, i) => board.addPerson({ ...p, nhsNumber: testNhsNumber(i * 7 + 3) }, `person-${i + 1}`).id,
  );
  const actions: {
    title: string;
    ownerName: string;
    ownerOrganisationId: string;
    due: number;
    person: number;
    status: ActionStatus;
  }[] = [
    {
      title: 'Home visit to review falls risk and fit a pendant alarm',
      ownerName: 'Priya Nair',
      ownerOrganisationId: 'riverside-community',
      due: 2,
      person: 0,
      status: 'accepted',
    },
    {
      title: 'Medication review: stop night-time sedative',
      ownerName: 'Dr Amira Shah',
      ownerOrganisationId: 'elm-tree-practice',
      due: -1,
      person: 0,
      status: 'in_progress',
    },
    {
      title: 'Arrange respite care while carer is in hospital',
      ownerName: 'Sam Whitfield',
      ownerOrganisationId: 'riverside-asc',
      due: 1,
      person: 1,
      status: 'proposed',
    },
    {
      title: 'Dietitian referral and weekly weight check',
      ownerName: 'Tom Okafor',
      ownerOrganisationId: 'riverside-community',
      due: 5,
      person: 2,
      status: 'accepted',
    },
    {
      title: 'Send discharge summary to the practice',
      ownerName: 'Grace Mensah',
      ownerOrganisationId: 'riverside-hospital',
      due: -3,
      person: 2,
      status: 'blocked',
    },
    {
      title: 'Introduce to the allotment buddy scheme',
      ownerName: 'Jo Barnes',
      ownerOrganisationId: 'age-well-riverside',
      due: 7,
      person: 3,
      status: 'proposed',
    },
  ];
  actions.forEach((a, i) => {
    const id = `action-${i + 1}`;
    board.addAction(
      {
        title: a.title,
        ownerName: a.ownerName,
        ownerOrganisationId: a.ownerOrganisationId,
        dueDate: daysFromToday(a.due, today),
        personId: personIds[a.person]!,
      },
      'Huddle demo',
      id,
    );
    if (a.status !== 'proposed') board.updateAction(id, { status: a.status }, today);
  });
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

/**
 * On first start with an empty database, creates the demo Place. Safe when several servers start
 * at once against one database: the check and the inserts run under one advisory lock.
 */
export async function seedIfEmpty(db: Kysely<Database>, log: Logger): Promise<boolean> {
  const seeded = await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('huddle:seed'))`.execute(trx);
    const existing = await trx
      .selectFrom('boards')
      .select('id')
      .union(trx.selectFrom('organisations').select('id'))
      .limit(1)
      .execute();
    if (existing.length > 0) return false;
    await trx.insertInto('organisations').values(ORGANISATIONS).execute();
    await trx.insertInto('boards').values({ id: DEMO_BOARD_ID, name: DEMO_BOARD_NAME }).execute();
    await trx
      .insertInto('board_snapshots')
      .values({ board_id: DEMO_BOARD_ID, state: buildDemoBoard() })
      .execute();
    return true;
  });
  if (seeded)
    log.info({ place: DEMO_PLACE, boardId: DEMO_BOARD_ID }, 'seeded the demo Place on an empty database');
  return seeded;
}

import * as Y from 'yjs';
import { sql, type Kysely } from 'kysely';
import type { OrganisationKind } from '#shared/organisations';
import { BoardDocument } from '#shared/board/boardDoc';
import type { ActionStatus } from '#shared/board/action';
import type { GoalStatus } from '#shared/board/goal';
import type { Actor } from '#shared/board/record';
import { nhsCheckDigit } from '#shared/board/nhsNumber';
import type { GlobalRole, TeamRole } from '#shared/access';
import { stagesFromTemplate } from '#shared/board/pathway';
import type { Database, NewNotification } from './db/schema.ts';
import { hashPassword } from './auth/passwords.ts';
import type { Logger } from './log.ts';
import { SERVER_ORIGIN } from './sync/origin.ts';
import { ProjectionBatch } from './projection/projectionBatch.ts';
import { wholeProjection } from './projection/boardProjection.ts';
import { writeProjections } from './projection/projectionTables.ts';
import type { StorageConfig } from './config.ts';
import { writeDemoHistory, type HistoryBoard } from './seedHistory.ts';

/** The demo Place: fictional organisations, people and staff. No real people, no real NHS numbers. */
export const DEMO_PLACE = 'Riverside Place Alliance';
export const DEMO_BOARD_ID = 'riverside-frailty-mdt';
export const DEMO_BOARD_NAME = 'Riverside frailty MDT';
export const DEMO_DISCHARGE_BOARD_ID = 'riverside-discharge';
export const DEMO_DISCHARGE_BOARD_NAME = 'Riverside discharge to assess';
/** The password of every demo user. The README lists them; a real deployment starts with SEED=false. */
export const DEMO_PASSWORD = 'riverside-demo-2026';

const TEAMS = [
  { id: 'riverside-frailty-team', name: 'Riverside frailty MDT' },
  { id: 'riverside-discharge-team', name: 'Riverside hospital discharge team' },
];

interface DemoUser {
  id: string;
  name: string;
  email: string;
  profession: string;
  organisationId: string;
  role: GlobalRole | null;
  teams: [teamId: string, role: TeamRole][];
  managedTeamIds?: string[];
}

/** Demo staff: every global role and every team role, across the Place's organisations. */
export const DEMO_USERS: DemoUser[] = [
  {
    id: 'demo-asha-patel',
    name: 'Asha Patel',
    email: 'admin@riverside.example',
    profession: 'Digital services lead',
    organisationId: 'riverside-community',
    role: 'admin',
    teams: [],
  },
  {
    id: 'demo-tom-reid',
    name: 'Dr Tom Reid',
    email: 'tom.reid@elmtree.example',
    profession: 'GP',
    organisationId: 'elm-tree-practice',
    role: null,
    teams: [['riverside-frailty-team', 'facilitator']],
  },
  {
    id: 'demo-grace-okafor',
    name: 'Grace Okafor',
    email: 'grace.okafor@riverside-community.example',
    profession: 'Community matron',
    organisationId: 'riverside-community',
    role: null,
    teams: [['riverside-frailty-team', 'member']],
  },
  {
    id: 'demo-priya-shah',
    name: 'Priya Shah',
    email: 'priya.shah@riverside-community.example',
    profession: 'Occupational therapist',
    organisationId: 'riverside-community',
    role: null,
    teams: [['riverside-frailty-team', 'member']],
  },
  {
    id: 'demo-lucy-evans',
    name: 'Lucy Evans',
    email: 'lucy.evans@riverside-asc.example',
    profession: 'Care coordinator',
    organisationId: 'riverside-asc',
    role: null,
    teams: [['riverside-frailty-team', 'member']],
  },
  {
    id: 'demo-dan-morris',
    name: 'Dan Morris',
    email: 'dan.morris@riverside-hospital.example',
    profession: 'Physiotherapist',
    organisationId: 'riverside-hospital',
    role: null,
    teams: [
      ['riverside-frailty-team', 'member'],
      ['riverside-discharge-team', 'member'],
    ],
  },
  {
    id: 'demo-helen-ward',
    name: 'Helen Ward',
    email: 'helen.ward@agewell.example',
    profession: 'Volunteer coordinator',
    organisationId: 'age-well-riverside',
    role: null,
    teams: [['riverside-frailty-team', 'viewer']],
  },
  {
    id: 'demo-mark-ellison',
    name: 'Mark Ellison',
    email: 'mark.ellison@riverside-community.example',
    profession: 'Place manager',
    organisationId: 'riverside-community',
    role: 'manager',
    teams: [],
    managedTeamIds: ['riverside-frailty-team', 'riverside-discharge-team'],
  },
  {
    id: 'demo-nina-brooks',
    name: 'Nina Brooks',
    email: 'nina.brooks@riverside-hospital.example',
    profession: 'Discharge coordinator',
    organisationId: 'riverside-hospital',
    role: null,
    teams: [['riverside-discharge-team', 'facilitator']],
  },
];

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

interface DemoPerson {
  name: string;
  dateOfBirth: string;
  frailtyScore: number;
  risk: 'red' | 'amber' | 'green';
  riskReason: string;
  keyWorker: string;
  organisationIds: string[];
  /** Index into the frailty pathway's stages, and how many days ago they got there. */
  stage: [index: number, daysAgo: number];
  whatMatters: string;
  sbar: [situation: string, background: string, assessment: string, recommendation: string];
  goals: { statement: string; status: GoalStatus; leadOrganisationId: string; due: number; notes?: string }[];
}

const DEMO_PEOPLE: DemoPerson[] = [
  {
    name: 'Margaret Ellis',
    dateOfBirth: '1942-03-14',
    frailtyScore: 6,
    risk: 'red',
    riskReason: 'Two falls in a month, lives alone',
    keyWorker: 'demo-grace-okafor',
    organisationIds: ['riverside-community', 'elm-tree-practice', 'riverside-asc'],
    stage: [1, 9],
    whatMatters: 'Staying in my own home with my cat, Biscuit. Seeing my granddaughter on Sundays.',
    sbar: [
      'Fell twice in the last month; bruised hip, no fracture.',
      'Lives alone in a first-floor flat. Widowed in 2024. On a night-time sedative since a hospital stay.',
      'Falls likely linked to the sedative and poor lighting at night. Frailty worsening.',
      'Stop the sedative, home falls assessment, pendant alarm, review in two weeks.',
    ],
    goals: [
      {
        statement: 'I want to feel safe getting up in the night',
        status: 'in_progress',
        leadOrganisationId: 'riverside-community',
        due: 21,
        notes: 'Says she sleeps better with the landing light left on.',
      },
      {
        statement: 'I want to keep going to church on Sundays',
        status: 'not_started',
        leadOrganisationId: 'age-well-riverside',
        due: 42,
      },
    ],
  },
  {
    name: 'Harold Bennett',
    dateOfBirth: '1947-08-02',
    frailtyScore: 5,
    risk: 'amber',
    riskReason: 'Carer (wife) in hospital this week',
    keyWorker: 'demo-lucy-evans',
    organisationIds: ['riverside-asc', 'riverside-hospital'],
    stage: [2, 4],
    whatMatters: 'Getting back to looking after Joan when she comes home.',
    sbar: [
      'Managing alone while his wife is in hospital; missing meals.',
      'Parkinson’s disease. Joan is his main carer.',
      'At risk of crisis admission without extra support this week.',
      'Respite or a short package of care until Joan is home.',
    ],
    goals: [
      {
        statement: 'I want to stay at home while Joan is in hospital',
        status: 'in_progress',
        leadOrganisationId: 'riverside-asc',
        due: 10,
      },
    ],
  },
  {
    name: 'Edith Clarke',
    dateOfBirth: '1935-11-27',
    frailtyScore: 7,
    risk: 'red',
    riskReason: 'Not eating well since discharge',
    keyWorker: 'demo-grace-okafor',
    organisationIds: ['riverside-community', 'riverside-hospital'],
    stage: [3, 16],
    whatMatters: 'My daughter visiting, and my radio programmes in the afternoon.',
    sbar: [
      'Weight down 3 kg since discharge three weeks ago.',
      'Admitted with pneumonia in October. Lives with her daughter, who works full time.',
      'Poor appetite and low mood; risk of readmission.',
      'Dietitian referral, weekly weights, discharge summary to the practice.',
    ],
    goals: [
      {
        statement: 'I want to enjoy my meals again',
        status: 'not_started',
        leadOrganisationId: 'riverside-community',
        due: 28,
      },
    ],
  },
  {
    name: 'Stanley Hughes',
    dateOfBirth: '1950-05-19',
    frailtyScore: 4,
    risk: 'green',
    riskReason: 'Stable; wants to get back to the allotment',
    keyWorker: 'demo-lucy-evans',
    organisationIds: ['riverside-asc', 'age-well-riverside'],
    stage: [4, 30],
    whatMatters: 'Getting back to the allotment and seeing my friends there.',
    sbar: [
      'Stable after a chest infection in the summer.',
      'Lives alone; lost confidence going out since being unwell.',
      'Ready to step down once he is connected with the buddy scheme.',
      'Introduce to the allotment buddy scheme, review and step down.',
    ],
    goals: [
      {
        statement: 'I want to be back at the allotment by the spring',
        status: 'in_progress',
        leadOrganisationId: 'age-well-riverside',
        due: 90,
      },
    ],
  },
];

const DEMO_ACTIONS: {
  title: string;
  owner: string;
  due: number;
  person: number;
  /** Index into that person's goals. */
  goal?: number;
  status: ActionStatus;
}[] = [
  {
    title: 'Home visit to review falls risk and fit a pendant alarm',
    owner: 'demo-priya-shah',
    due: 2,
    person: 0,
    goal: 0,
    status: 'accepted',
  },
  {
    title: 'Medication review: stop night-time sedative',
    owner: 'demo-tom-reid',
    due: -1,
    person: 0,
    goal: 0,
    status: 'in_progress',
  },
  {
    title: 'Arrange respite care while carer is in hospital',
    owner: 'demo-lucy-evans',
    due: 1,
    person: 1,
    goal: 0,
    status: 'proposed',
  },
  {
    title: 'Dietitian referral and weekly weight check',
    owner: 'demo-grace-okafor',
    due: 5,
    person: 2,
    goal: 0,
    status: 'accepted',
  },
  {
    title: 'Send discharge summary to the practice',
    owner: 'demo-dan-morris',
    due: -3,
    person: 2,
    status: 'blocked',
  },
  {
    title: 'Introduce to the allotment buddy scheme',
    owner: 'demo-lucy-evans',
    due: 7,
    person: 3,
    goal: 0,
    status: 'proposed',
  },
];

/** The demo's comments: a question to the GP on the respite action, a reply-in-waiting, a note on a person. */
const DEMO_COMMENTS: {
  on: 'actions' | 'people';
  id: string;
  by: string;
  body: string;
  mentions?: string[];
  hoursAgo: number;
}[] = [
  {
    on: 'actions',
    id: 'action-3',
    by: 'demo-grace-okafor',
    body: 'Respite is booked for Thursday. @Dr Tom Reid can you confirm her medicines before she goes?',
    mentions: ['demo-tom-reid'],
    hoursAgo: 3,
  },
  {
    on: 'actions',
    id: 'action-2',
    by: 'demo-priya-shah',
    body: 'Her daughter says she is drowsy in the mornings and unsteady on the stairs.',
    hoursAgo: 20,
  },
  {
    on: 'people',
    id: 'person-1',
    by: 'demo-lucy-evans',
    body: 'Her daughter is happy to be called after 5pm; evenings are when she worries most.',
    hoursAgo: 26,
  },
];

/** Who proposed the demo's actions that are still waiting for their owner. */
const DEMO_PROPOSER = 'demo-grace-okafor';

/** Who wrote the demo boards, as their history says. */
const DEMO_AUTHOR: Actor = { id: null, name: 'Huddle demo' };

/** Builds the demo board's document: people, what matters to them, their goals and the actions agreed. */
export function buildDemoBoard(today = new Date()): Uint8Array {
  const doc = new Y.Doc();
  const board = new BoardDocument(doc, SERVER_ORIGIN);
  const demo: Actor = DEMO_AUTHOR;
  const stageIds = board.addPathwayStages(stagesFromTemplate('frailty'), { by: demo }).map((s) => s.id);
  const staff = new Map(DEMO_USERS.map((u) => [u.id, u]));
  const daysAgo = (days: number) => new Date(today.getTime() - days * 86_400_000);
  const goalIds: string[][] = [];
  DEMO_PEOPLE.forEach((p, i) => {
    const id = `person-${i + 1}`;
    const keyWorker = staff.get(p.keyWorker)!;
    board.addPerson(
      {
        name: p.name,
        nhsNumber: testNhsNumber(i * 7 + 3),
        dateOfBirth: p.dateOfBirth,
        frailtyScore: p.frailtyScore,
        risk: p.risk,
        riskReason: p.riskReason,
        keyWorkerId: keyWorker.id,
        keyWorkerName: keyWorker.name,
        organisationIds: p.organisationIds,
      },
      {
        by: demo,
        id,
        now: daysAgo(p.stage[1] + 7),
        text: {
          whatMatters: p.whatMatters,
          sbarSituation: p.sbar[0],
          sbarBackground: p.sbar[1],
          sbarAssessment: p.sbar[2],
          sbarRecommendation: p.sbar[3],
        },
      },
    );
    board.movePersonToStage(id, stageIds[p.stage[0]]!, { by: demo, now: daysAgo(p.stage[1]) });
    goalIds.push(
      p.goals.map(
        (g, j) =>
          board.addGoal(
            {
              personId: id,
              statement: g.statement,
              status: g.status,
              leadOrganisationId: g.leadOrganisationId,
              targetDate: daysFromToday(g.due, today),
            },
            { by: demo, id: `goal-${i + 1}-${j + 1}`, notes: g.notes ?? '', now: daysAgo(p.stage[1]) },
          ).id,
      ),
    );
  });
  DEMO_ACTIONS.forEach((a, i) => {
    const id = `action-${i + 1}`;
    const owner = staff.get(a.owner)!;
    // What is still proposed was proposed by the community matron after the meeting: it waits in
    // its owner's My work, with a notification, and in hers as not yet accepted.
    const proposer = staff.get(DEMO_PROPOSER)!;
    board.addAction(
      {
        title: a.title,
        ownerId: owner.id,
        ownerName: owner.name,
        ownerOrganisationId: owner.organisationId,
        dueDate: daysFromToday(a.due, today),
        personId: `person-${a.person + 1}`,
        goalId: a.goal === undefined ? null : goalIds[a.person]![a.goal]!,
      },
      { by: a.status === 'proposed' ? { id: proposer.id, name: proposer.name } : demo, id: id, now: today },
    );
    // The owner took it on at the meeting.
    if (a.status !== 'proposed')
      board.updateAction(id, { status: a.status }, { by: { id: owner.id, name: owner.name }, now: today });
  });
  DEMO_COMMENTS.forEach((c, i) => {
    const author = staff.get(c.by)!;
    board.addComment(
      { subjectType: c.on, subjectId: c.id, body: c.body, mentions: c.mentions ?? [] },
      {
        by: { id: author.id, name: author.name },
        id: `comment-${i + 1}`,
        now: new Date(today.getTime() - c.hoursAgo * 3_600_000),
      },
    );
  });
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

/** A board with the frailty pathway and nothing else yet. */
function pathwayOnlyBoard(): Uint8Array {
  const doc = new Y.Doc();
  new BoardDocument(doc, SERVER_ORIGIN).addPathwayStages(stagesFromTemplate('frailty'), { by: DEMO_AUTHOR });
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

/** A seeded board's whole projection, to write with it. */
function projectionOf(state: Uint8Array): ProjectionBatch {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const batch = new ProjectionBatch();
  batch.add(wholeProjection(doc));
  doc.destroy();
  return batch;
}

/**
 * The notifications the demo's open proposals and comments would have sent: each proposal's owner;
 * whom a comment mentions, and the owner of an action commented on.
 */
function demoNotifications(projections: ReadonlyMap<string, ProjectionBatch>): NewNotification[] {
  const names = new Map(DEMO_USERS.map((u) => [u.id, u.name]));
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  return [...projections].flatMap(([boardId, batch]) => {
    const records = [...batch.records.values()];
    const actions = new Map(
      records.flatMap(({ collection, record }) =>
        collection === 'actions' && record ? [[record.id, record.fields] as const] : [],
      ),
    );
    const note = (
      userId: string,
      kind: string,
      recordType: string,
      recordId: string,
      f: Record<string, unknown>,
      actorId: string,
      at: unknown,
    ) => ({
      user_id: userId,
      kind,
      board_id: boardId,
      record_type: recordType,
      record_id: recordId,
      person_id: recordType === 'people' ? recordId : text(f.personId),
      actor_id: actorId,
      actor_name: names.get(actorId) ?? null,
      subject: text(f.title),
      // When what it tells of happened, as the thread and the card say.
      created_at: typeof at === 'string' ? new Date(at) : undefined,
    });
    return records.flatMap(({ collection, record }): NewNotification[] => {
      const f = record?.fields;
      if (!record || !f || typeof f.createdById !== 'string') return [];
      if (collection === 'actions') {
        if (f.status !== 'proposed' || typeof f.ownerId !== 'string' || f.ownerId === f.createdById)
          return [];
        return [note(f.ownerId, 'action-proposed', 'actions', record.id, f, f.createdById, f.createdAt)];
      }
      if (collection !== 'comments' || typeof f.subjectId !== 'string' || typeof f.subjectType !== 'string')
        return [];
      const action = f.subjectType === 'actions' ? actions.get(f.subjectId) : undefined;
      const on = action ?? {};
      const mentioned = Array.isArray(f.mentions) ? f.mentions.filter((m) => typeof m === 'string') : [];
      const told = mentioned.map((userId) =>
        note(
          userId,
          'mention',
          f.subjectType as string,
          f.subjectId as string,
          on,
          f.createdById as string,
          f.createdAt,
        ),
      );
      const owner = text(action?.ownerId);
      if (owner && owner !== f.createdById && !mentioned.includes(owner))
        told.push(note(owner, 'comment', 'actions', f.subjectId, on, f.createdById, f.createdAt));
      return told;
    });
  });
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
      // An installation whose first admin was made with `npm run create-admin` is not a demo.
      .union(trx.selectFrom('users').select('id'))
      .limit(1)
      .execute();
    if (existing.length > 0) return false;
    await trx.insertInto('organisations').values(ORGANISATIONS).execute();
    await trx
      .insertInto('boards')
      .values([
        { id: DEMO_BOARD_ID, name: DEMO_BOARD_NAME },
        { id: DEMO_DISCHARGE_BOARD_ID, name: DEMO_DISCHARGE_BOARD_NAME },
      ])
      .execute();
    const states = new Map([
      [DEMO_BOARD_ID, buildDemoBoard()],
      [DEMO_DISCHARGE_BOARD_ID, pathwayOnlyBoard()],
    ]);
    await trx
      .insertInto('board_snapshots')
      .values([...states].map(([board_id, state]) => ({ board_id, state })))
      .execute();
    const projections = new Map([...states].map(([id, state]) => [id, projectionOf(state)]));
    await writeProjections(trx, projections, new Date());
    await trx.insertInto('teams').values(TEAMS).execute();
    await trx
      .insertInto('board_teams')
      .values([
        { board_id: DEMO_BOARD_ID, team_id: 'riverside-frailty-team' },
        { board_id: DEMO_DISCHARGE_BOARD_ID, team_id: 'riverside-discharge-team' },
      ])
      .execute();
    // One hash for the shared demo password: argon2id is slow on purpose.
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    await trx
      .insertInto('users')
      .values(
        DEMO_USERS.map((u) => ({
          id: u.id,
          name: u.name,
          email: u.email,
          profession: u.profession,
          organisation_id: u.organisationId,
          role: u.role,
          password_hash: passwordHash,
        })),
      )
      .execute();
    await trx
      .insertInto('team_memberships')
      .values(
        DEMO_USERS.flatMap((u) =>
          u.teams.map(([teamId, role]) => ({ team_id: teamId, user_id: u.id, role })),
        ),
      )
      .execute();
    await trx
      .insertInto('manager_teams')
      .values(
        DEMO_USERS.flatMap((u) =>
          (u.managedTeamIds ?? []).map((teamId) => ({ user_id: u.id, team_id: teamId })),
        ),
      )
      .execute();
    const notifications = demoNotifications(projections);
    if (notifications.length > 0) await trx.insertInto('notifications').values(notifications).execute();
    return true;
  });
  if (seeded)
    log.info({ place: DEMO_PLACE, boardId: DEMO_BOARD_ID }, 'seeded the demo Place on an empty database');
  return seeded;
}

const member = (id: string) => {
  const user = DEMO_USERS.find((u) => u.id === id)!;
  return { id: user.id, name: user.name, organisationId: user.organisationId! };
};

/** The demo boards' last twelve weeks (seedHistory.ts): who was referred, what was agreed, what was done. */
const DEMO_HISTORY: HistoryBoard[] = [
  {
    boardId: DEMO_BOARD_ID,
    members: [
      'demo-tom-reid',
      'demo-grace-okafor',
      'demo-priya-shah',
      'demo-lucy-evans',
      'demo-dan-morris',
    ].map(member),
    people: [
      'Arthur Pennington',
      'Maureen Fletcher',
      'Stanley Okoro',
      'Irene Walsh',
      'Harold Baptiste',
      'Joan Whitaker',
      'Kenneth Adeyemi',
      'Patricia Lomax',
      'Dennis Harrow',
      'Winifred Chaudhry',
    ],
    actions: [
      'Medication review with the GP',
      'Falls risk assessment at home',
      'Fit grab rails by the bath and stairs',
      'Arrange a carers assessment for the family',
      'Refer to the befriending service',
      'Strength and balance exercises: first visit',
      'Check the pendant alarm is working',
      'Update the care and support plan with the family',
    ],
    goals: [
      'I want to walk to the corner shop on my own again',
      'I want to stay in my own home',
      'I want to feel steady on the stairs',
      'I want to see my friends at the lunch club on Thursdays',
    ],
    nhsNumbersFrom: 200,
  },
  {
    boardId: DEMO_DISCHARGE_BOARD_ID,
    members: ['demo-nina-brooks', 'demo-dan-morris'].map(member),
    people: [
      'Eileen Marsh',
      'George Nwosu',
      'Dorothy Kirkbride',
      'Frank Delaney',
      'Sylvia Amadi',
      'Ronald Pike',
      'Margaret Oyelaran',
      'Leonard Shaw',
    ],
    actions: [
      'Confirm the package of care starts on the day of discharge',
      'Equipment delivered before discharge: bed and commode',
      'Physiotherapy review on the ward before discharge',
      'Book transport home',
      'Send the discharge summary to the GP',
      'Home visit within 48 hours of discharge',
    ],
    goals: [
      'I want to go home to my own bed',
      'I want to manage my own washing and dressing',
      "I want to be home in time for my granddaughter's birthday",
    ],
    nhsNumbersFrom: 300,
  },
];

/**
 * On first start with an empty database: the demo Place (`seedIfEmpty`), then its boards' last
 * twelve weeks written through the server's write path. The history is for the progress page's
 * trends; a failure to write it is logged and the demo starts without it.
 */
export async function seedDemoPlace(
  db: Kysely<Database>,
  storage: StorageConfig,
  log: Logger,
): Promise<void> {
  if (!(await seedIfEmpty(db, log))) return;
  try {
    const changes = await writeDemoHistory(db, storage, log, DEMO_HISTORY, testNhsNumber);
    log.info({ changes }, "wrote twelve weeks of the demo boards' history");
  } catch (err) {
    log.error({ err }, "writing the demo boards' history failed; the demo starts without it");
  }
}

import { gzipSync } from 'node:zlib';
import * as prng from 'lib0/prng';
import * as Y from 'yjs';
import { ACTION_STATUSES, type ActionStatus } from '../../shared/board/action.ts';
import { BoardDocument } from '../../shared/board/boardDoc.ts';
import { GOAL_STATUSES } from '../../shared/board/goal.ts';
import { stagesFromTemplate } from '../../shared/board/pathway.ts';
import type { RiskLevel } from '../../shared/board/person.ts';
import { todayIsoDate, type Actor } from '../../shared/board/record.ts';
import { DEMO_USERS, testNhsNumber } from '../../server/src/seed.ts';

/**
 * A big board for the board benchmark, built with the shared accessors (so every record is valid
 * and shaped as the app writes it) from a seeded PRNG, so that runs are comparable.
 */

export interface BoardSize {
  people: number;
  goals: number;
  actions: number;
  /** Seed of the PRNG; the same seed gives the same board (but for the stage ids the accessors pick). */
  seed: number;
}

export interface GeneratedBoard {
  /** The whole document as one Yjs update. */
  state: Uint8Array;
  bytes: number;
  gzipBytes: number;
  generationMs: number;
  encodeMs: number;
  /** Ids of the people, in the order they were added. */
  personIds: string[];
  /** Someone to open in the person view: the one with the most actions. */
  featured: { id: string; name: string; goals: number; actions: number };
  counts: {
    people: number;
    goals: number;
    actions: number;
    stages: number;
    actionsByStatus: Record<ActionStatus, number>;
    overdueActions: number;
    peopleOnPathway: number;
  };
}

export const FRAILTY_TEAM_ID = 'riverside-frailty-team';

/** Frailty team members who may own actions (viewers may not), as the demo seed creates them. */
export const BENCH_OWNERS = DEMO_USERS.filter((user) =>
  user.teams.some(([team, role]) => team === FRAILTY_TEAM_ID && role !== 'viewer'),
);

const ORGANISATION_IDS = [...new Set(DEMO_USERS.map((user) => user.organisationId))];

const FIRST_NAMES = [
  'Margaret',
  'Harold',
  'Edith',
  'Stanley',
  'Joan',
  'Albert',
  'Doris',
  'Kenneth',
  'Pauline',
  'Gurdev',
  'Winifred',
  'Derek',
  'Shirley',
  'Patrick',
  'Irene',
  'Mohammed',
  'Beryl',
  'Leonard',
  'Gwen',
  'Desmond',
  'Sheila',
  'Rajesh',
  'Eileen',
  'Clifford',
  'Nasreen',
  'Brian',
  'Maureen',
  'Tadeusz',
  'Hazel',
  'Winston',
  'Dorothy',
  'Ronald',
  'Kamala',
  'Geoffrey',
  'Bridget',
  'Alan',
  'Olive',
  'Emmanuel',
  'Sylvia',
  'Hyacinth',
  'Norman',
  'Agnes',
  'Yusuf',
  'Brenda',
  'Frank',
  'Elsie',
  'Chinedu',
  'Valerie',
  'Dennis',
  'Mei',
];
const SURNAMES = [
  'Ellis',
  'Bennett',
  'Clarke',
  'Hughes',
  'Patel',
  'Okafor',
  'Thompson',
  'Kowalski',
  'Begum',
  'Robinson',
  'Murphy',
  'Singh',
  'Walker',
  'Campbell',
  "O'Brien",
  'Khan',
  'Davies',
  'Mensah',
  'Turner',
  'Lewis',
  'Chapman',
  'Ahmed',
  'Fletcher',
  'Nowak',
  'Harrison',
  'Williams',
  'Grant',
  'Edwards',
  'Chen',
  'Jackson',
  'Marshall',
  'Gill',
  'Sullivan',
  'Adeyemi',
  'Parry',
  'Hussain',
  'Lloyd',
  'Baker',
  'Morgan',
  'Sharma',
  'Wright',
  'Evans',
  'Hall',
  'Kaur',
  'Fraser',
  'Mitchell',
  'Rahman',
  'Doyle',
  'Price',
  'Brown',
];
const RISK_REASONS: Record<RiskLevel, string[]> = {
  red: [
    'Two falls in a month, lives alone',
    'Not eating well since discharge',
    'Carer admitted to hospital; no one at home overnight',
    'New confusion and a urine infection last week',
    'Pressure sore on the heel getting worse',
    'Refusing medicines since the change of tablets',
  ],
  amber: [
    'Carer finding it hard to cope',
    'Lost weight over the last three months',
    'Missed two appointments at the practice',
    'Low mood since her husband died',
    'Struggling with the stairs at home',
    'Waiting for a package of care to start',
  ],
  green: [
    'Stable; wants to get back to the allotment',
    'Settled at home with the new care package',
    'Walking with a frame and managing well',
    'Family visiting daily; no concerns this week',
    'Medicines reviewed and simplified',
  ],
};
const WHAT_MATTERS = [
  'Staying in my own home with my cat.',
  'Seeing my grandchildren on Sundays.',
  'Getting back to the allotment and seeing my friends there.',
  'Going to the mosque for Friday prayers.',
  'Looking after my wife when she comes home.',
  'My radio programmes in the afternoon and a proper cup of tea.',
  'Being able to get to the shops on my own.',
  'Not going back into hospital.',
  'Keeping up with the lunch club at the community centre.',
  'Sleeping in my own bed, not a hospital one.',
];
const SITUATIONS = [
  'Fell in the kitchen on Tuesday; bruised arm, no fracture.',
  'Eating less since the weekend and drinking very little.',
  'More breathless walking to the bathroom this week.',
  'Daughter reports new confusion in the evenings.',
  'Home from hospital four days ago after a chest infection.',
  'Missed the last two doses of her evening medicines.',
];
const BACKGROUNDS = [
  'Lives alone in a ground-floor flat; daughter visits twice a week.',
  'Heart failure and type 2 diabetes; on eleven regular medicines.',
  'Widowed last year; was managing well until the winter.',
  'Parkinson’s disease for eight years; his wife is his main carer.',
  'Moderate dementia; attends a day centre on Mondays and Thursdays.',
  'Two hospital admissions this year, both with falls.',
];
const ASSESSMENTS = [
  'Frailty worsening; at risk of another fall without more support.',
  'Likely dehydrated; needs bloods and a medicines review.',
  'Carer strain is the main risk to staying at home.',
  'Mood low; may be grieving more than the team thought.',
  'Safe at home for now if the care package starts on time.',
  'Ready to step down once the community support is in place.',
];
const RECOMMENDATIONS = [
  'Home visit this week, falls assessment and a pendant alarm.',
  'Medication review with the GP and a referral to the dietitian.',
  'Carer’s assessment and a short respite stay.',
  'Referral to the memory service and weekly welfare calls.',
  'Review at the next huddle and step down if stable.',
  'Ask the voluntary sector for a befriender.',
];
const GOALS = [
  'I want to feel safe getting up in the night',
  'I want to keep going to church on Sundays',
  'I want to stay at home while my wife is in hospital',
  'I want to enjoy my meals again',
  'I want to be back at the allotment by the spring',
  'I want to walk to the corner shop on my own',
  'I want to have a bath without help',
  'I want to visit my sister in Leeds',
  'I want to sleep through the night',
  'I want to get back to the lunch club',
  'I want to manage my own tablets',
  'I want to stay out of hospital this winter',
];
const GOAL_NOTES = [
  'Says she sleeps better with the landing light left on.',
  'Son will drive him to the allotment on Saturdays.',
  'Prefers morning visits; afternoons are when she rests.',
  'Wants to try the community transport before the bus.',
];
/** Things a team agrees to do for someone, for titles. */
export const ACTION_TITLES = [
  'Home visit to review falls risk',
  'Fit a pendant alarm',
  'Medication review with the GP',
  'Dietitian referral and weekly weights',
  'Send the discharge summary to the practice',
  'Arrange respite care for the carer',
  'Carer’s assessment',
  'Refer to the memory service',
  'Order a raised toilet seat and grab rails',
  'Introduce to the befriending scheme',
  'Check blood pressure lying and standing',
  'Book a review at the frailty clinic',
  'Chase the continence assessment',
  'Ask pharmacy for a blister pack',
  'Welfare call to check on the new care package',
  'Physiotherapy for strength and balance',
];

/** Local `YYYY-MM-DD`, `days` from `today`. */
function daysFrom(today: Date, days: number): string {
  return todayIsoDate(new Date(today.getTime() + days * 86_400_000));
}

/** A distribution over the six statuses, roughly as a working board has them. */
const STATUS_WEIGHTS: [ActionStatus, number][] = [
  ['proposed', 15],
  ['accepted', 20],
  ['in_progress', 20],
  ['blocked', 10],
  ['done', 25],
  ['cancelled', 10],
];

function weighted<T>(gen: prng.PRNG, choices: [T, number][]): T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  let pick = prng.real53(gen) * total;
  for (const [value, weight] of choices) {
    pick -= weight;
    if (pick < 0) return value;
  }
  return choices[choices.length - 1]![0];
}

function uniqueNames(gen: prng.PRNG, count: number): string[] {
  const names = new Set<string>();
  while (names.size < count) {
    let name = `${prng.oneOf(gen, FIRST_NAMES)} ${prng.oneOf(gen, SURNAMES)}`;
    // Past the pairs there are, a middle initial keeps names apart.
    if (names.has(name)) {
      const [first, last] = name.split(' ');
      name = `${first} ${String.fromCharCode(65 + prng.int32(gen, 0, 25))}. ${last}`;
    }
    names.add(name);
  }
  return [...names];
}

/** Builds the board: people on the frailty pathway, their goals, and actions owned by the team. */
export function generateBoard(size: BoardSize, today = new Date()): GeneratedBoard {
  const gen = prng.create(size.seed);
  const started = performance.now();
  const doc = new Y.Doc();
  // Every item's origin carries the writer's client id as a varint; a random id from the 4-byte
  // range (1 run in 16) would make the document about 2% smaller. Seeded, runs compare.
  doc.clientID = prng.uint32(gen, 2 ** 28, 2 ** 32 - 1);
  const board = new BoardDocument(doc, { source: 'bench' });
  const stageIds = board.addPathwayStages(stagesFromTemplate('frailty')).map((s) => s.id);
  const owners = BENCH_OWNERS.map((user) => ({
    actor: { id: user.id, name: user.name } satisfies Actor,
    organisationId: user.organisationId,
  }));
  const daysAgo = (days: number) => new Date(today.getTime() - days * 86_400_000);

  const names = uniqueNames(gen, size.people);
  const personIds: string[] = [];
  const personOrganisations: string[][] = [];
  let peopleOnPathway = 0;
  names.forEach((name, i) => {
    const id = `bench-person-${i + 1}`;
    const keyWorker = prng.oneOf(gen, owners);
    const risk = weighted<RiskLevel>(gen, [
      ['red', 20],
      ['amber', 40],
      ['green', 40],
    ]);
    const organisations = new Set([keyWorker.organisationId]);
    const extra = prng.int32(gen, 0, 2);
    for (let k = 0; k < extra; k++) organisations.add(prng.oneOf(gen, ORGANISATION_IDS));
    const stageDays = prng.int32(gen, 0, 60);
    board.addPerson(
      {
        name,
        nhsNumber: testNhsNumber(i),
        dateOfBirth: `${prng.int32(gen, 1926, 1956)}-${String(prng.int32(gen, 1, 12)).padStart(2, '0')}-${String(prng.int32(gen, 1, 28)).padStart(2, '0')}`,
        frailtyScore: prng.int32(gen, 3, 8),
        risk,
        riskReason: prng.oneOf(gen, RISK_REASONS[risk]),
        keyWorkerId: keyWorker.actor.id,
        keyWorkerName: keyWorker.actor.name,
        organisationIds: [...organisations],
      },
      keyWorker.actor,
      {
        id,
        now: daysAgo(stageDays + prng.int32(gen, 1, 30)),
        text: {
          whatMatters: `${prng.oneOf(gen, WHAT_MATTERS)} ${prng.oneOf(gen, WHAT_MATTERS)}`,
          sbarSituation: `${prng.oneOf(gen, SITUATIONS)} ${prng.oneOf(gen, SITUATIONS)}`,
          sbarBackground: `${prng.oneOf(gen, BACKGROUNDS)} ${prng.oneOf(gen, BACKGROUNDS)}`,
          sbarAssessment: `${prng.oneOf(gen, ASSESSMENTS)} ${prng.oneOf(gen, ASSESSMENTS)}`,
          sbarRecommendation: `${prng.oneOf(gen, RECOMMENDATIONS)} ${prng.oneOf(gen, RECOMMENDATIONS)}`,
        },
      },
    );
    // Most people are somewhere on the pathway; a few are not on it yet.
    if (prng.real53(gen) < 0.92) {
      board.movePersonToStage(id, prng.oneOf(gen, stageIds), daysAgo(stageDays));
      peopleOnPathway++;
    }
    personIds.push(id);
    personOrganisations.push([...organisations]);
  });

  // Goals: everyone gets their share, the rest go to people at random.
  const goalsByPerson: string[][] = personIds.map(() => []);
  for (let g = 0; g < size.goals; g++) {
    const p =
      g < personIds.length * Math.floor(size.goals / personIds.length)
        ? g % personIds.length
        : prng.int32(gen, 0, personIds.length - 1);
    const id = `bench-goal-${g + 1}`;
    const author = prng.oneOf(gen, owners).actor;
    board.addGoal(
      {
        personId: personIds[p]!,
        statement: prng.oneOf(gen, GOALS),
        status: prng.oneOf(gen, [...GOAL_STATUSES]),
        targetDate: daysFrom(today, prng.int32(gen, -14, 120)),
        leadOrganisationId: prng.oneOf(gen, personOrganisations[p]!),
      },
      author,
      {
        id,
        notes: prng.real53(gen) < 0.3 ? prng.oneOf(gen, GOAL_NOTES) : '',
        now: daysAgo(prng.int32(gen, 1, 90)),
      },
    );
    goalsByPerson[p]!.push(id);
  }

  // Actions: spread over people, most towards one of the person's goals, owned by the team.
  const actionsByStatus = Object.fromEntries(ACTION_STATUSES.map((s) => [s, 0])) as Record<
    ActionStatus,
    number
  >;
  const actionsPerPerson = new Map<number, number>();
  let overdueActions = 0;
  const todayIso = todayIsoDate(today);
  for (let a = 0; a < size.actions; a++) {
    const p = prng.int32(gen, 0, personIds.length - 1);
    const id = `bench-action-${a + 1}`;
    const owner = prng.oneOf(gen, owners);
    const status = weighted(gen, STATUS_WEIGHTS);
    // A proposed action was agreed for someone else; the others were taken on by their owner.
    const others = owners.filter((o) => o.actor.id !== owner.actor.id);
    const by = status === 'proposed' ? prng.oneOf(gen, others).actor : prng.oneOf(gen, owners).actor;
    const goals = goalsByPerson[p]!;
    const dueDate = daysFrom(today, prng.int32(gen, -21, 42));
    board.addAction(
      {
        title: prng.oneOf(gen, ACTION_TITLES),
        ownerId: owner.actor.id,
        ownerName: owner.actor.name,
        ownerOrganisationId: owner.organisationId,
        dueDate,
        personId: personIds[p]!,
        goalId: goals.length > 0 && prng.real53(gen) < 0.7 ? prng.oneOf(gen, goals) : null,
      },
      by,
      id,
      daysAgo(prng.int32(gen, 1, 30)),
    );
    const current = by.id === owner.actor.id ? 'accepted' : 'proposed';
    if (status !== current) board.updateAction(id, { status }, owner.actor, today);
    actionsByStatus[status]++;
    if (status !== 'done' && status !== 'cancelled' && dueDate < todayIso) overdueActions++;
    actionsPerPerson.set(p, (actionsPerPerson.get(p) ?? 0) + 1);
  }
  const generationMs = performance.now() - started;

  const encodeStart = performance.now();
  const state = Y.encodeStateAsUpdate(doc);
  const encodeMs = performance.now() - encodeStart;
  doc.destroy();

  let featured = 0;
  for (const [p, count] of actionsPerPerson) {
    if (count > (actionsPerPerson.get(featured) ?? 0)) featured = p;
  }
  return {
    state,
    bytes: state.byteLength,
    gzipBytes: gzipSync(state).byteLength,
    generationMs,
    encodeMs,
    personIds,
    featured: {
      id: personIds[featured]!,
      name: names[featured]!,
      goals: goalsByPerson[featured]!.length,
      actions: actionsPerPerson.get(featured) ?? 0,
    },
    counts: {
      people: personIds.length,
      goals: size.goals,
      actions: size.actions,
      stages: stageIds.length,
      actionsByStatus,
      overdueActions,
      peopleOnPathway,
    },
  };
}

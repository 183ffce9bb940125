import { gzipSync } from 'node:zlib';
import * as prng from 'lib0/prng';
import * as Y from 'yjs';
import { ACTION_STATUSES, type ActionStatus } from '#shared/board/action';
import { BoardDocument } from '#shared/board/boardDoc';
import { GOAL_STATUSES } from '#shared/board/goal';
import { stagesFromTemplate } from '#shared/board/pathway';
import type { RiskLevel } from '#shared/board/person';
import { todayIsoDate } from '#shared/board/record';
import { DEMO_USERS, testNhsNumber } from '../../server/src/seed.ts';
import { BENCH_MEMBERS, type BenchMember } from './members.ts';

/**
 * A big board for the board benchmark, built with the shared accessors (so every record is valid
 * and shaped as the app writes it) from a seeded PRNG, so that runs are comparable. Every team
 * member writes their own part in a document of their own (the documents pass each change on to
 * the others, as the server would), so that each part can be sent by that member's own signed-in
 * client: a record's author is whoever sends it, and each sends only under their own Yjs client id.
 */

/** The kinds of record, in the order they are sent: each builds on those before it. */
export const UPLOAD_PHASES = ['pathway stages', 'people', 'goals', 'actions'] as const;
export type UploadPhase = (typeof UPLOAD_PHASES)[number];

/** One member's part of the board: the updates they wrote, per phase (empty when they wrote none). */
export interface MemberPart {
  member: BenchMember;
  /** The Yjs client id the part is written under. */
  clientId: number;
  phases: Record<UploadPhase, Uint8Array | null>;
}

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
  /** Each member's part of it, to be sent by that member. */
  parts: MemberPart[];
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

/** The origin of a change one member's document passes on to the others. */
const PASSED_ON = { source: 'another member' } as const;

/** Builds the board: people on the frailty pathway, their goals, and actions owned by the team. */
export function generateBoard(size: BoardSize, today = new Date()): GeneratedBoard {
  const gen = prng.create(size.seed);
  const started = performance.now();
  let phase: UploadPhase = UPLOAD_PHASES[0];
  const written = BENCH_MEMBERS.map(() => new Map<UploadPhase, Uint8Array[]>());
  const owners = BENCH_MEMBERS.map((member, index) => {
    const doc = new Y.Doc();
    // Every item's origin carries the writer's client id as a varint; a random id from the 4-byte
    // range (1 run in 16) would make the document about 2% smaller. Seeded, runs compare.
    doc.clientID = prng.uint32(gen, 2 ** 28, 2 ** 32 - 1);
    return { member, index, doc, board: new BoardDocument(doc, { source: 'bench' }) };
  });
  for (const owner of owners) {
    owner.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === PASSED_ON) return;
      const mine = written[owner.index]!;
      mine.set(phase, [...(mine.get(phase) ?? []), update]);
    });
  }
  // Within a kind of record nobody's writes build on anyone else's, so each member's writes are
  // passed on to the others when the next kind starts (goals need the people, people the stages).
  const nextPhase = (next: UploadPhase | null): void => {
    for (const owner of owners) {
      const updates = written[owner.index]!.get(phase);
      if (!updates) continue;
      const merged = Y.mergeUpdates(updates);
      written[owner.index]!.set(phase, [merged]);
      for (const other of owners) if (other !== owner) Y.applyUpdate(other.doc, merged, PASSED_ON);
    }
    if (next) phase = next;
  };
  const pick = () => prng.oneOf(gen, owners);
  const daysAgo = (days: number) => new Date(today.getTime() - days * 86_400_000);

  // The facilitator sets up the pathway.
  const stageIds = owners[0]!.board
    .addPathwayStages(stagesFromTemplate('frailty'), { by: owners[0]!.member.actor })
    .map((s) => s.id);

  nextPhase('people');
  const names = uniqueNames(gen, size.people);
  const personIds: string[] = [];
  const personOrganisations: string[][] = [];
  let peopleOnPathway = 0;
  names.forEach((name, i) => {
    const id = `bench-person-${i + 1}`;
    // Their key worker adds them and moves them along the pathway.
    const keyWorker = pick();
    const risk = weighted<RiskLevel>(gen, [
      ['red', 20],
      ['amber', 40],
      ['green', 40],
    ]);
    const organisations = new Set([keyWorker.member.organisationId]);
    const extra = prng.int32(gen, 0, 2);
    for (let k = 0; k < extra; k++) organisations.add(prng.oneOf(gen, ORGANISATION_IDS));
    const stageDays = prng.int32(gen, 0, 60);
    keyWorker.board.addPerson(
      {
        name,
        nhsNumber: testNhsNumber(i),
        dateOfBirth: `${prng.int32(gen, 1926, 1956)}-${String(prng.int32(gen, 1, 12)).padStart(2, '0')}-${String(prng.int32(gen, 1, 28)).padStart(2, '0')}`,
        frailtyScore: prng.int32(gen, 3, 8),
        risk,
        riskReason: prng.oneOf(gen, RISK_REASONS[risk]),
        keyWorkerId: keyWorker.member.id,
        keyWorkerName: keyWorker.member.name,
        organisationIds: [...organisations],
      },
      {
        by: keyWorker.member.actor,
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
      keyWorker.board.movePersonToStage(id, prng.oneOf(gen, stageIds), {
        by: keyWorker.member.actor,
        now: daysAgo(stageDays),
      });
      peopleOnPathway++;
    }
    personIds.push(id);
    personOrganisations.push([...organisations]);
  });

  // Goals: everyone gets their share, the rest go to people at random.
  nextPhase('goals');
  const goalsByPerson: string[][] = personIds.map(() => []);
  for (let g = 0; g < size.goals; g++) {
    const p =
      g < personIds.length * Math.floor(size.goals / personIds.length)
        ? g % personIds.length
        : prng.int32(gen, 0, personIds.length - 1);
    const id = `bench-goal-${g + 1}`;
    const author = pick();
    author.board.addGoal(
      {
        personId: personIds[p]!,
        statement: prng.oneOf(gen, GOALS),
        status: prng.oneOf(gen, [...GOAL_STATUSES]),
        targetDate: daysFrom(today, prng.int32(gen, -14, 120)),
        leadOrganisationId: prng.oneOf(gen, personOrganisations[p]!),
      },
      {
        by: author.member.actor,
        id,
        notes: prng.real53(gen) < 0.3 ? prng.oneOf(gen, GOAL_NOTES) : '',
        now: daysAgo(prng.int32(gen, 1, 90)),
      },
    );
    goalsByPerson[p]!.push(id);
  }

  // Actions: spread over people, most towards one of the person's goals, owned by the team.
  nextPhase('actions');
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
    const owner = pick();
    const status = weighted(gen, STATUS_WEIGHTS);
    // A proposed action was agreed for its owner by someone else; the owner added the others
    // for themselves (they start accepted) and moved them on.
    const by =
      status === 'proposed'
        ? prng.oneOf(
            gen,
            owners.filter((o) => o !== owner),
          )
        : owner;
    const goals = goalsByPerson[p]!;
    const dueDate = daysFrom(today, prng.int32(gen, -21, 42));
    by.board.addAction(
      {
        title: prng.oneOf(gen, ACTION_TITLES),
        ownerId: owner.member.id,
        ownerName: owner.member.name,
        ownerOrganisationId: owner.member.organisationId,
        dueDate,
        personId: personIds[p]!,
        goalId: goals.length > 0 && prng.real53(gen) < 0.7 ? prng.oneOf(gen, goals) : null,
      },
      { by: by.member.actor, id: id, now: daysAgo(prng.int32(gen, 1, 30)) },
    );
    if (status !== 'proposed' && status !== 'accepted')
      owner.board.updateAction(id, { status }, { by: owner.member.actor, now: today });
    actionsByStatus[status]++;
    if (status !== 'done' && status !== 'cancelled' && dueDate < todayIso) overdueActions++;
    actionsPerPerson.set(p, (actionsPerPerson.get(p) ?? 0) + 1);
  }
  nextPhase(null);
  const generationMs = performance.now() - started;

  const encodeStart = performance.now();
  const state = Y.encodeStateAsUpdate(owners[0]!.doc);
  const encodeMs = performance.now() - encodeStart;
  const parts: MemberPart[] = owners.map((owner) => {
    const mine = written[owner.index]!;
    const phases = Object.fromEntries(
      UPLOAD_PHASES.map((p) => {
        return [p, mine.get(p)?.[0] ?? null];
      }),
    ) as Record<UploadPhase, Uint8Array | null>;
    return { member: owner.member, clientId: owner.doc.clientID, phases };
  });
  for (const owner of owners) owner.doc.destroy();

  let featured = 0;
  for (const [p, count] of actionsPerPerson) {
    if (count > (actionsPerPerson.get(featured) ?? 0)) featured = p;
  }
  return {
    state,
    parts,
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

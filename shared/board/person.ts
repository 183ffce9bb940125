import { z } from 'zod';
import { isValidNhsNumber, normaliseNhsNumber } from './nhsNumber.ts';
import { calendarDate, recordId, timestamp } from './record.ts';

export const RISK_LEVELS = ['red', 'amber', 'green'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const RISK_LABELS: Record<RiskLevel, string> = {
  red: 'Red: high risk',
  amber: 'Amber: some risk',
  green: 'Green: low risk',
};

/** Handover order: red first, then amber, green, and people not yet rated. */
export function riskRank(risk: RiskLevel | null): number {
  return risk === null ? RISK_LEVELS.length : RISK_LEVELS.indexOf(risk);
}

/** Clinical Frailty Scale (Rockwood), index 0 is score 1. */
export const FRAILTY_LABELS = [
  'Very fit',
  'Well',
  'Managing well',
  'Vulnerable',
  'Mildly frail',
  'Moderately frail',
  'Severely frail',
  'Very severely frail',
  'Terminally ill',
] as const;

export function frailtyLabel(score: number): string | undefined {
  return Number.isInteger(score) ? FRAILTY_LABELS[score - 1] : undefined;
}

/** "6 Moderately frail" */
export function describeFrailty(score: number | null): string {
  if (score === null) return 'Not scored';
  const label = frailtyLabel(score);
  return label ? `${score} ${label}` : String(score);
}

/** SBAR handover note: one current note per person, each part edited together (Y.Text). */
export const SBAR_PARTS = [
  { field: 'sbarSituation', label: 'Situation', hint: 'What is happening now' },
  { field: 'sbarBackground', label: 'Background', hint: 'What led up to it' },
  { field: 'sbarAssessment', label: 'Assessment', hint: 'What the team thinks the problem is' },
  { field: 'sbarRecommendation', label: 'Recommendation', hint: 'What should happen next' },
] as const;

/** The person's fields that people type together: Y.Text in the document, strings when read. */
export const PERSON_TEXT_FIELDS = [
  'whatMatters',
  'sbarSituation',
  'sbarBackground',
  'sbarAssessment',
  'sbarRecommendation',
] as const;
export type PersonTextField = (typeof PERSON_TEXT_FIELDS)[number];

export const PERSON_NAME_MAX = 120;
export const REASON_MAX = 500;
/**
 * The longest a shared text field (what matters, the SBAR parts, a goal's notes) may grow. A longer one
 * fails the record's schema, so it is refused; the browser refuses typing or pasting past it.
 */
export const SHARED_TEXT_MAX = 10_000;

/** The limit as people read it ("10,000"), written once: each formatting of a number costs a formatter. */
const SHARED_TEXT_MAX_READ = SHARED_TEXT_MAX.toLocaleString('en-GB');

/** A shared text field's schema: `what` names it in the message when it is too long. */
export const sharedText = (what: string) =>
  z.string().max(SHARED_TEXT_MAX, `Keep ${what} to ${SHARED_TEXT_MAX_READ} characters or fewer`).default('');

const nhsNumber = z
  .string()
  .transform(normaliseNhsNumber)
  .refine(isValidNhsNumber, 'Enter a valid NHS number: 10 digits, like 943 476 5919')
  .nullable()
  .default(null);

const personName = z
  .string({ error: 'Enter the person’s name' })
  .trim()
  .min(1, 'Enter the person’s name')
  .max(PERSON_NAME_MAX, `Keep the name to ${PERSON_NAME_MAX} characters or fewer`);

const reason = (what: string) =>
  z.string().trim().max(REASON_MAX, `Keep ${what} to ${REASON_MAX} characters or fewer`).default('');

const details = {
  name: personName,
  nhsNumber,
  dateOfBirth: calendarDate('a date of birth').nullable().default(null),
  frailtyScore: z
    .number({ error: 'Choose a Clinical Frailty Scale score from 1 to 9' })
    .int()
    .min(1, 'Choose a Clinical Frailty Scale score from 1 to 9')
    .max(9, 'Choose a Clinical Frailty Scale score from 1 to 9')
    .nullable()
    .default(null),
  risk: z.enum(RISK_LEVELS, { error: 'Choose red, amber or green' }).nullable().default(null),
  riskReason: reason('the reason for the risk'),
  /** The team member who coordinates this person's support. */
  keyWorkerId: z.string().min(1).max(128).nullable().default(null),
  keyWorkerName: z.string().max(PERSON_NAME_MAX).nullable().default(null),
  /** Organisations involved in this person's support. */
  organisationIds: z.array(z.string().min(1).max(128)).max(50).default([]),
};

function riskNeedsReason(person: { risk: RiskLevel | null; riskReason: string }, ctx: z.RefinementCtx): void {
  if (person.risk && !person.riskReason.trim()) {
    ctx.addIssue({ code: 'custom', path: ['riskReason'], message: 'Say why the risk is rated this way' });
  }
}

/** Someone the team supports. No hard delete: a person is archived with a reason. */
export const personSchema = z
  .object({
    id: z.string().min(1),
    ...details,
    whatMatters: sharedText('what matters to the person'),
    sbarSituation: sharedText('the SBAR situation'),
    sbarBackground: sharedText('the SBAR background'),
    sbarAssessment: sharedText('the SBAR assessment'),
    sbarRecommendation: sharedText('the SBAR recommendation'),
    /** The pathway stage the person is at, and when they entered it. */
    stageId: z.string().min(1).nullable().default(null),
    stageEnteredAt: timestamp.nullable().default(null),
    archived: z.boolean().default(false),
    archivedReason: reason('the reason'),
    archivedAt: timestamp.nullable().default(null),
    createdAt: timestamp.nullable().default(null),
    createdBy: z.string().nullable().default(null),
  })
  .superRefine((person, ctx) => {
    riskNeedsReason(person, ctx);
    if (person.archived && !person.archivedReason.trim()) {
      ctx.addIssue({ code: 'custom', path: ['archivedReason'], message: 'Say why the person was archived' });
    }
  });
export type Person = z.infer<typeof personSchema>;

/** What a person fills in about someone the team supports (adding them, or changing their details). */
export const personInputSchema = z.object(details).superRefine(riskNeedsReason);
export type PersonInput = z.input<typeof personInputSchema>;
export type PersonDetails = z.infer<typeof personInputSchema>;

/** The reason given when a person is archived. */
export const archiveReasonSchema = z
  .string({ error: 'Say why the person is being archived' })
  .trim()
  .min(1, 'Say why the person is being archived, like "Moved out of area"')
  .max(REASON_MAX, `Keep the reason to ${REASON_MAX} characters or fewer`);

/** The stage a person is moved to: a stage id, or null to take them off the pathway. */
export const stageIdSchema = recordId('Choose a stage').nullable();

/**
 * What the NHS number check reads of each person on the board: their stored fields as they are,
 * since a record that fails validation (needs attention) may still hold the number.
 */
export interface PersonOnBoard {
  id: string;
  name?: unknown;
  nhsNumber?: unknown;
  archived?: unknown;
}

/** The person already on the board with an NHS number. */
export interface NhsNumberHolder {
  id: string;
  name: string;
  archived: boolean;
}

/**
 * Who already has `nhsNumber` among the board's people, archived people included (they can be
 * restored), other than `exceptId` (the person being changed). Null when nobody has it, or when
 * `nhsNumber` is empty. Spaces and dashes do not count: 943 476 5919 is 9434765919.
 */
export function findNhsNumberHolder(
  people: Iterable<PersonOnBoard>,
  nhsNumber: string | null | undefined,
  exceptId: string | null = null,
): NhsNumberHolder | null {
  const wanted = nhsNumber ? normaliseNhsNumber(nhsNumber) : '';
  if (!wanted) return null;
  for (const person of people) {
    if (person.id === exceptId || typeof person.nhsNumber !== 'string') continue;
    if (normaliseNhsNumber(person.nhsNumber) !== wanted) continue;
    const name = typeof person.name === 'string' ? person.name.trim() : '';
    return { id: person.id, name: name || 'Someone', archived: person.archived === true };
  }
  return null;
}

/**
 * Refuses a second person with an NHS number already on the board. Carries who has it, so a form
 * can link to their page: "Margaret Ellis already has this NHS number on this board".
 */
export class NhsNumberTakenError extends Error {
  override readonly name = 'NhsNumberTakenError';
  readonly personId: string;
  readonly personName: string;
  readonly archived: boolean;

  constructor(holder: NhsNumberHolder) {
    super(`${holder.name} already has this NHS number on this board${holder.archived ? ' (archived)' : ''}`);
    this.personId = holder.id;
    this.personName = holder.name;
    this.archived = holder.archived;
  }
}

import type { BoardMember } from '#shared/boards';
import {
  PERSON_NAME_MAX,
  REASON_MAX,
  personInputSchema,
  type Person,
  type PersonDetails,
} from '#shared/board/person';
import { todayIsoDate } from '#shared/board/record';
import { fieldErrors, type FieldErrors } from './formErrors.ts';
import { lengthErrors, type TextLimit } from './textLimits.ts';

/** What the person form holds: strings, as the inputs give them. */
export interface PersonFormValues {
  name: string;
  nhsNumber: string;
  dateOfBirth: string;
  frailtyScore: string;
  risk: '' | 'red' | 'amber' | 'green';
  riskReason: string;
  keyWorkerId: string;
  organisationIds: string[];
}

export type PersonFormField = keyof PersonFormValues;

export const PERSON_FORM_FIELDS: PersonFormField[] = [
  'name',
  'nhsNumber',
  'dateOfBirth',
  'frailtyScore',
  'risk',
  'riskReason',
  'keyWorkerId',
  'organisationIds',
];

/** The typed fields' limits, for the character count and the message when one is too long. */
export const PERSON_TEXT_LIMITS: Partial<Record<PersonFormField, TextLimit>> = {
  name: { max: PERSON_NAME_MAX, what: 'the name' },
  riskReason: { max: REASON_MAX, what: 'the reason' },
};

export function emptyPersonForm(): PersonFormValues {
  return {
    name: '',
    nhsNumber: '',
    dateOfBirth: '',
    frailtyScore: '',
    risk: '',
    riskReason: '',
    keyWorkerId: '',
    organisationIds: [],
  };
}

export function personFormFrom(person: Person): PersonFormValues {
  return {
    name: person.name,
    nhsNumber: person.nhsNumber ?? '',
    dateOfBirth: person.dateOfBirth ?? '',
    frailtyScore: person.frailtyScore === null ? '' : String(person.frailtyScore),
    risk: person.risk ?? '',
    riskReason: person.riskReason,
    keyWorkerId: person.keyWorkerId ?? '',
    organisationIds: [...person.organisationIds],
  };
}

export type PersonFormResult =
  { ok: true; details: PersonDetails } | { ok: false; errors: FieldErrors<PersonFormField> };

/**
 * Checks the form with the board's own schema. The key worker is a team member (or, when editing,
 * the one the person already has, who may have left the team since).
 */
export function validatePersonForm(
  values: PersonFormValues,
  members: readonly BoardMember[],
  current?: Pick<Person, 'keyWorkerId' | 'keyWorkerName'>,
  today = todayIsoDate(),
): PersonFormResult {
  const keyWorker = members.find((m) => m.id === values.keyWorkerId);
  const keyWorkerName =
    keyWorker?.name ?? (current?.keyWorkerId === values.keyWorkerId ? current.keyWorkerName : null);
  const parsed = personInputSchema.safeParse({
    name: values.name,
    nhsNumber: values.nhsNumber.trim() || null,
    dateOfBirth: values.dateOfBirth || null,
    frailtyScore: values.frailtyScore ? Number(values.frailtyScore) : null,
    risk: values.risk || null,
    riskReason: values.riskReason,
    keyWorkerId: values.keyWorkerId || null,
    keyWorkerName: values.keyWorkerId ? keyWorkerName : null,
    organisationIds: values.organisationIds,
  });
  const errors: FieldErrors<PersonFormField> = parsed.success
    ? {}
    : fieldErrors(parsed.error.issues, PERSON_FORM_FIELDS).errors;
  if (values.dateOfBirth && !errors.dateOfBirth && values.dateOfBirth > today) {
    errors.dateOfBirth = 'The date of birth must be in the past';
  }
  Object.assign(errors, lengthErrors(values, PERSON_TEXT_LIMITS));
  if (values.keyWorkerId && !keyWorkerName) errors.keyWorkerId = 'Choose the key worker from the team';
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, details: parsed.data };
}

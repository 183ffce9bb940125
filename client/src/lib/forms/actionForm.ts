import type { BoardMember } from '#shared/boards';
import {
  ACTION_STATUSES,
  ACTION_TITLE_MAX,
  actionInputSchema,
  type Action,
  type ActionInput,
  type ActionStatus,
} from '#shared/board/action';
import { fieldErrors, type FieldErrors } from './formErrors.ts';
import { lengthErrors, type TextLimit } from './textLimits.ts';

/** What the add and edit forms hold: strings, as the inputs give them. */
export interface ActionFormValues {
  title: string;
  ownerId: string;
  ownerOrganisationId: string;
  dueDate: string;
  personId: string;
  goalId: string;
  status: ActionStatus;
}

export type ActionFormField = keyof ActionFormValues;

/** The order errors are listed in, matching the order of the fields on screen. */
export const ACTION_FORM_FIELDS: ActionFormField[] = [
  'title',
  'ownerId',
  'ownerOrganisationId',
  'dueDate',
  'personId',
  'goalId',
  'status',
];

/** The typed fields' limits, for the character count and the message when one is too long. */
export const ACTION_TEXT_LIMITS: Partial<Record<ActionFormField, TextLimit>> = {
  title: { max: ACTION_TITLE_MAX, what: 'the action' },
};

export function emptyActionForm(personId = '', goalId = ''): ActionFormValues {
  return {
    title: '',
    ownerId: '',
    ownerOrganisationId: '',
    dueDate: '',
    personId,
    goalId,
    status: 'proposed',
  };
}

export function actionFormFrom(action: Action): ActionFormValues {
  return {
    title: action.title,
    ownerId: action.ownerId ?? '',
    ownerOrganisationId: action.ownerOrganisationId,
    dueDate: action.dueDate,
    personId: action.personId ?? '',
    goalId: action.goalId ?? '',
    status: action.status,
  };
}

/** Team members who can own an action: those who can change the board (not viewers). */
export function possibleOwners(members: readonly BoardMember[]): BoardMember[] {
  return members.filter((member) => member.role !== 'viewer');
}

/** "Priya Shah, Occupational therapist, Riverside Community Health NHS Trust" */
export function describeMember(member: BoardMember): string {
  return [member.name, member.profession, member.organisation?.name].filter(Boolean).join(', ');
}

const FRIENDLY_MESSAGES: Partial<Record<ActionFormField, (values: ActionFormValues) => string | undefined>> =
  {
    dueDate: (v) => (v.dueDate ? 'Enter a real due date' : 'Enter a due date'),
  };

export type ActionFormResult =
  | { ok: true; input: ActionInput & { status: ActionStatus } }
  | { ok: false; errors: FieldErrors<ActionFormField> };

/**
 * Checks the form with the same schema the board document uses, field by field. The owner is one
 * of `members`; an owner who has since left the team keeps the name the action already has.
 */
export function validateActionForm(
  values: ActionFormValues,
  members: readonly BoardMember[],
  current?: Pick<Action, 'ownerId' | 'ownerName'>,
): ActionFormResult {
  const member = members.find((m) => m.id === values.ownerId);
  const ownerName = member?.name ?? (current?.ownerId === values.ownerId ? current.ownerName : '');
  const parsed = actionInputSchema.safeParse({
    title: values.title,
    ownerId: values.ownerId,
    ownerName: ownerName || undefined,
    ownerOrganisationId: values.ownerOrganisationId || member?.organisation?.id || '',
    dueDate: values.dueDate,
    personId: values.personId,
    goalId: values.goalId || null,
  });
  const { errors } = parsed.success
    ? { errors: {} as FieldErrors<ActionFormField> }
    : fieldErrors(
        parsed.error.issues.map((issue) => ({
          ...issue,
          path: issue.path[0] === 'ownerName' ? ['ownerId'] : issue.path,
        })),
        ACTION_FORM_FIELDS,
      );
  for (const field of ACTION_FORM_FIELDS) {
    if (errors[field]) errors[field] = FRIENDLY_MESSAGES[field]?.(values) ?? errors[field];
  }
  Object.assign(errors, lengthErrors(values, ACTION_TEXT_LIMITS));
  if (values.ownerId && !ownerName) errors.ownerId = 'Choose the owner from the team';
  if (!ACTION_STATUSES.includes(values.status)) errors.status = 'Choose a status';
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, input: { ...parsed.data, status: values.status } };
}

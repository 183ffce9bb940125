import {
  ACTION_STATUSES,
  ACTION_TITLE_MAX,
  OWNER_NAME_MAX,
  actionInputSchema,
  type Action,
  type ActionInput,
  type ActionStatus,
} from '../../../shared/board/action.ts';

/** What the add and edit forms hold: strings, as the inputs give them. */
export interface ActionFormValues {
  title: string;
  ownerName: string;
  ownerOrganisationId: string;
  dueDate: string;
  personId: string;
  status: ActionStatus;
}

export type ActionFormField = keyof ActionFormValues;

/** The order errors are listed in, matching the order of the fields on screen. */
export const ACTION_FORM_FIELDS: ActionFormField[] = [
  'title',
  'ownerName',
  'ownerOrganisationId',
  'dueDate',
  'personId',
  'status',
];

export function emptyActionForm(): ActionFormValues {
  return { title: '', ownerName: '', ownerOrganisationId: '', dueDate: '', personId: '', status: 'proposed' };
}

export function actionFormFrom(action: Action): ActionFormValues {
  return {
    title: action.title,
    ownerName: action.ownerName,
    ownerOrganisationId: action.ownerOrganisationId,
    dueDate: action.dueDate,
    personId: action.personId ?? '',
    status: action.status,
  };
}

const FRIENDLY_MESSAGES: Partial<Record<ActionFormField, (values: ActionFormValues) => string | undefined>> =
  {
    title: (v) =>
      v.title.trim().length > ACTION_TITLE_MAX
        ? `Keep the action to ${ACTION_TITLE_MAX} characters or fewer`
        : undefined,
    ownerName: (v) =>
      v.ownerName.trim().length > OWNER_NAME_MAX
        ? `Keep the owner's name to ${OWNER_NAME_MAX} characters or fewer`
        : undefined,
    dueDate: (v) => (v.dueDate ? 'Enter a real due date' : 'Enter a due date'),
  };

export type ActionFormResult =
  | { ok: true; input: ActionInput & { title: string; status: ActionStatus } }
  | { ok: false; errors: Partial<Record<ActionFormField, string>> };

/** Checks the form with the same schema the board document uses, field by field. */
export function validateActionForm(values: ActionFormValues): ActionFormResult {
  const errors: Partial<Record<ActionFormField, string>> = {};
  const parsed = actionInputSchema.safeParse({
    title: values.title,
    ownerName: values.ownerName,
    ownerOrganisationId: values.ownerOrganisationId,
    dueDate: values.dueDate,
    personId: values.personId || null,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (typeof field === 'string' && field in values && !errors[field as ActionFormField]) {
        errors[field as ActionFormField] =
          FRIENDLY_MESSAGES[field as ActionFormField]?.(values) ?? issue.message;
      }
    }
  }
  if (!ACTION_STATUSES.includes(values.status)) errors.status = 'Choose a status';
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, input: { ...parsed.data, status: values.status } };
}

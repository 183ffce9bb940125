import { z } from 'zod';
import { ISO_DATE } from './record.ts';

export const ACTION_STATUSES = [
  'proposed',
  'accepted',
  'in_progress',
  'blocked',
  'done',
  'cancelled',
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const ACTION_STATUS_LABELS: Record<ActionStatus, string> = {
  proposed: 'Proposed',
  accepted: 'Accepted',
  in_progress: 'In progress',
  blocked: 'Blocked',
  done: 'Done',
  cancelled: 'Cancelled',
};

/** Statuses after which an action needs nothing more from its owner. */
export const CLOSED_ACTION_STATUSES: readonly ActionStatus[] = ['done', 'cancelled'];

export const ACTION_TITLE_MAX = 300;
export const OWNER_NAME_MAX = 120;

/** One task with exactly one named owner, the owner's organisation, a due date and a status. */
export const actionSchema = z.object({
  id: z.string().min(1),
  title: z.string().trim().min(1, 'Say what needs doing').max(ACTION_TITLE_MAX),
  ownerName: z.string().trim().min(1, 'Name the one person who owns this action').max(OWNER_NAME_MAX),
  ownerOrganisationId: z.string().min(1, "Choose the owner's organisation"),
  dueDate: z.string().regex(ISO_DATE, 'Give a due date as YYYY-MM-DD'),
  status: z.enum(ACTION_STATUSES),
  personId: z.string().nullable().default(null),
  createdAt: z.string(),
  createdBy: z.string(),
  completedAt: z.string().nullable().default(null),
});
export type Action = z.infer<typeof actionSchema>;

/** What a person fills in to add an action; the rest is set by `newAction`. */
export const actionInputSchema = actionSchema.pick({
  title: true,
  ownerName: true,
  ownerOrganisationId: true,
  dueDate: true,
  personId: true,
});
export type ActionInput = z.input<typeof actionInputSchema>;

/** Fields a person may change on an existing action. */
export type ActionPatch = Partial<
  Pick<Action, 'title' | 'ownerName' | 'ownerOrganisationId' | 'dueDate' | 'status' | 'personId'>
>;

export function newAction(id: string, input: ActionInput, createdBy: string, now = new Date()): Action {
  const fields = actionInputSchema.parse(input);
  return {
    id,
    ...fields,
    status: 'proposed',
    createdAt: now.toISOString(),
    createdBy,
    completedAt: null,
  };
}

export function isOverdue(action: Action, today: string): boolean {
  return !CLOSED_ACTION_STATUSES.includes(action.status) && action.dueDate < today;
}

import { z } from 'zod';
import { calendarDate, recordId, timestamp, type Actor } from './record.ts';

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

/** Statuses in which an action still needs something from its owner. */
export const OPEN_ACTION_STATUSES: readonly ActionStatus[] = ACTION_STATUSES.filter(
  (status) => !CLOSED_ACTION_STATUSES.includes(status),
);

export function isOpenAction(action: Pick<Action, 'status'>): boolean {
  return !CLOSED_ACTION_STATUSES.includes(action.status);
}

export const ACTION_TITLE_MAX = 300;
export const OWNER_NAME_MAX = 120;

const fields = {
  title: z
    .string({ error: 'Say what needs doing' })
    .trim()
    .min(1, 'Say what needs doing')
    .max(ACTION_TITLE_MAX, `Keep the action to ${ACTION_TITLE_MAX} characters or fewer`),
  ownerName: z
    .string({ error: 'Name the one person who owns this action' })
    .trim()
    .min(1, 'Name the one person who owns this action')
    .max(OWNER_NAME_MAX),
  ownerOrganisationId: recordId("Choose the owner's organisation"),
  dueDate: calendarDate('a due date'),
};

/**
 * One task with exactly one named owner (a team member), the owner's organisation, a due date and a
 * status, for one person and optionally one of their goals. `ownerId`, `personId` and `createdById`
 * are null only on actions written before owners were picked from the team.
 */
export const actionSchema = z.object({
  id: z.string().min(1),
  ...fields,
  ownerId: z.string().min(1).nullable().default(null),
  status: z.enum(ACTION_STATUSES),
  personId: z.string().min(1).nullable().default(null),
  goalId: z.string().min(1).nullable().default(null),
  createdAt: timestamp,
  createdBy: z.string(),
  createdById: z.string().nullable().default(null),
  completedAt: timestamp.nullable().default(null),
});
export type Action = z.infer<typeof actionSchema>;

/** What a person fills in to add an action; the rest is set by `newAction`. */
export const actionInputSchema = z.object({
  ...fields,
  ownerId: recordId('Choose the owner from the team'),
  personId: recordId('Choose the person this action is for'),
  goalId: z.string().min(1).nullable().default(null),
});
export type ActionInput = z.input<typeof actionInputSchema>;

/** Fields a person may change on an existing action. */
export type ActionPatch = Partial<
  Pick<
    Action,
    'title' | 'ownerId' | 'ownerName' | 'ownerOrganisationId' | 'dueDate' | 'status' | 'personId' | 'goalId'
  >
>;

/**
 * An action someone adds for themselves starts accepted; one they add for somebody else is
 * proposed until its owner accepts it.
 */
export function newAction(id: string, input: ActionInput, by: Actor, now = new Date()): Action {
  const fields = actionInputSchema.parse(input);
  return {
    id,
    ...fields,
    status: by.id !== null && by.id === fields.ownerId ? 'accepted' : 'proposed',
    createdAt: now.toISOString(),
    createdBy: by.name,
    createdById: by.id,
    completedAt: null,
  };
}

/**
 * Why `by` may not move `action` to `to`, or null when they may. Only its owner takes a proposed
 * (or cancelled) action on (accepts it, starts it, marks it done or blocked); anyone may cancel it,
 * or propose it again.
 */
export function statusChangeProblem(action: Action, to: ActionStatus, by: Actor): string | null {
  if (to === action.status || to === 'cancelled' || to === 'proposed') return null;
  // A cancelled action taken up again is taken on anew: by its owner too.
  if (action.status !== 'proposed' && action.status !== 'cancelled') return null;
  if (action.ownerId === null || action.ownerId === by.id) return null;
  return `Only ${action.ownerName} can accept this action`;
}

/**
 * The action after `by` applies `patch`: moving to done stamps `completedAt` and moving away clears
 * it; handing an open action to someone else makes it proposed again until they accept it. Throws
 * with a message a person can read when the change is not allowed or the result is invalid.
 */
export function applyActionPatch(current: Action, patch: ActionPatch, by: Actor, now = new Date()): Action {
  const next: Action = { ...current, ...patch };
  if (patch.status !== undefined) {
    const problem = statusChangeProblem(current, patch.status, by);
    if (problem) throw new Error(problem);
  }
  const reassigned = patch.ownerId !== undefined && patch.ownerId !== current.ownerId;
  if (reassigned && isOpenAction(next) && next.ownerId !== by.id) next.status = 'proposed';
  if (next.status !== current.status) next.completedAt = next.status === 'done' ? now.toISOString() : null;
  const checked = actionSchema.safeParse(next);
  if (!checked.success) throw new Error(checked.error.issues.map((i) => i.message).join('; '));
  return checked.data;
}

/**
 * Why a new action breaks the board's rules, or null (what `newAction` writes never does). `by` made
 * it; `statusBy` set its status (the same person, unless its owner took it on before it reached
 * the server: work made offline arrives as one change). Null skips the rule about that person.
 */
export function newActionProblem(
  action: Action,
  by: Actor | null,
  statusBy: Actor | null = by,
): string | null {
  if (action.ownerId === null) return 'Name the one person who owns this action';
  if (by && action.createdById !== by.id) return 'An action is added in the name of the person adding it';
  // An action for someone else starts proposed; anyone may cancel it; only its owner takes it on.
  if (
    statusBy &&
    action.ownerId !== statusBy.id &&
    action.status !== 'proposed' &&
    action.status !== 'cancelled'
  )
    return `An action for ${action.ownerName} starts as proposed, until they accept it`;
  return completionProblem(action);
}

/**
 * Why the change of `before` into `after` breaks the rules `applyActionPatch` follows (who may take a
 * proposed action on, what completing and reassigning require), however it was made. `statusBy` set
 * the status as it now is and `ownerBy` the owner; null skips the rule about that person.
 */
export function actionChangeProblem(
  before: Action,
  after: Action,
  statusBy: Actor | null,
  ownerBy: Actor | null = statusBy,
): string | null {
  if (after.ownerId === null && before.ownerId !== null) return 'Name the one person who owns this action';
  if (after.status !== before.status && statusBy) {
    const problem = statusChangeProblem(before, after.status, statusBy);
    if (problem) return problem;
  }
  const reassigned = after.ownerId !== before.ownerId;
  // Handing an open action to someone else makes it proposed, until they take it on themselves.
  if (
    reassigned &&
    ownerBy &&
    isOpenAction(after) &&
    after.status !== 'proposed' &&
    after.ownerId !== ownerBy.id &&
    after.ownerId !== statusBy?.id
  )
    return `Handing an action to ${after.ownerName} makes it proposed until they accept it`;
  return completionProblem(after);
}

function completionProblem(action: Action): string | null {
  return action.status === 'done' && action.completedAt === null
    ? 'A completed action records when it was completed'
    : null;
}

export function isOverdue(action: Action, today: string): boolean {
  return isOpenAction(action) && action.dueDate < today;
}

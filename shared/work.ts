import { z } from 'zod';
import { ACTION_STATUSES, type ActionStatus } from './board/action.ts';
import { daysBetween } from './board/record.ts';

/*
 * My work: the actions someone owns (or their organisation owns) across every board they can open,
 * read from the projection of the boards' documents.
 */

/** Whose actions: the caller's own, or (managers and facilitators) their organisation's. */
export const WORK_SCOPES = ['mine', 'organisation'] as const;
export type WorkScope = (typeof WORK_SCOPES)[number];

const filterId = z
  .string({ error: 'Name one board or person by its id' })
  .trim()
  .min(1, 'Name one board or person by its id')
  .max(128, 'Name a board or person by an id of 128 characters or fewer')
  .optional();

/** `GET /api/my-work` query: the scope and the filters My work keeps in its address. */
export const workQuery = z.object({
  scope: z.enum(WORK_SCOPES, { error: 'Choose mine or organisation' }).default('mine'),
  board: filterId,
  person: filterId,
  status: z.enum(ACTION_STATUSES, { error: 'Choose a status' }).optional(),
});
export type WorkQuery = z.infer<typeof workQuery>;

/** One action as My work lists it. */
export interface WorkItem {
  boardId: string;
  boardName: string;
  id: string;
  title: string;
  status: ActionStatus | null;
  /** `YYYY-MM-DD`, or null when the record has none it can read. */
  dueDate: string | null;
  owner: { id: string | null; name: string; organisationId: string | null; organisationName: string | null };
  /** Who it is for, with initials for lists that ask for privacy; null when it names nobody. */
  person: { id: string; name: string; initials: string } | null;
  /** Who proposed it. */
  createdBy: { id: string | null; name: string };
  /** The record fails validation: it needs attention on its board. */
  needsAttention: boolean;
}

/** `GET /api/my-work`. */
export interface MyWork {
  scope: WorkScope;
  /** Open actions owned by the caller (or their organisation), soonest due first. */
  items: WorkItem[];
  /** More actions matched than one answer lists (`items` holds the first of them). */
  truncated: boolean;
  /** Actions the caller proposed to someone else that are not yet accepted. */
  proposedByMe: WorkItem[];
  /** Every board the caller can open, with how many of their open actions are on it. */
  boards: WorkBoardCount[];
  /** Whether the caller may switch to their organisation's actions (managers and facilitators). */
  canSeeOrganisation: boolean;
  organisationName: string | null;
}

/** How many open actions the caller owns on a board, and how many of them wait for them to accept. */
export interface WorkBoardCount {
  boardId: string;
  boardName: string;
  open: number;
  toAccept: number;
}

/** `GET /api/my-work/counts`: the caller's open actions per board (for the board list). */
export type WorkCounts = WorkBoardCount[];

/** How My work groups the actions someone owns. */
export const WORK_GROUPS = ['to-accept', 'overdue', 'today', 'week', 'later'] as const;
export type WorkGroup = (typeof WORK_GROUPS)[number];

export const WORK_GROUP_LABELS: Record<WorkGroup, string> = {
  'to-accept': 'Waiting for you to accept',
  overdue: 'Overdue',
  today: 'Due today',
  week: 'Due this week',
  later: 'Later',
};

/**
 * Where an open action belongs on `today` (`YYYY-MM-DD`, the person's own date): proposed to them
 * and not yet accepted first, then by due date. "This week" is the next six days.
 */
export function workGroupOf(item: Pick<WorkItem, 'status' | 'dueDate'>, today: string): WorkGroup {
  if (item.status === 'proposed') return 'to-accept';
  if (item.dueDate === null) return 'later';
  const days = daysBetween(today, item.dueDate);
  if (days < 0) return 'overdue';
  if (days === 0) return 'today';
  return days <= 6 ? 'week' : 'later';
}

/** "Dr Amira Shah" -> "AS"; "priya" -> "P". Titles such as Dr are skipped. */
export function initialsOf(name: string): string {
  const words = name
    .trim()
    .split(/\s+/)
    .filter((w) => w && !/^(dr|mr|mrs|ms|miss|mx|prof)\.?$/i.test(w));
  const first = words[0]?.[0] ?? '?';
  const last = words.length > 1 ? (words[words.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}

import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { ACTION_STATUSES, OPEN_ACTION_STATUSES, type ActionStatus } from '#shared/board/action';
import { initialsOf, type MyWork, type WorkBoardCount, type WorkItem, type WorkQuery } from '#shared/work';
import type { AccessPolicy } from '../access/AccessPolicy.ts';
import type { Principal } from '../access/principal.ts';
import type { Database } from '../db/schema.ts';
import { refuse, type Refusal } from '../refusal.ts';

/** The most actions one answer lists; an organisation's across many boards can be more. */
export const WORK_ITEMS_MAX = 2_000;

const statusOf = (value: string | null): ActionStatus | null =>
  (ACTION_STATUSES as readonly (string | null)[]).includes(value) ? (value as ActionStatus) : null;

/** Which actions a list holds. */
interface ItemFilter {
  ownerId?: string;
  organisationId?: string;
  createdById?: string;
  /** Owned by anyone but this user. */
  notOwnerId?: string;
  personId?: string | undefined;
  status: 'open' | ActionStatus;
}

/**
 * My work, read from the projection: every open action the caller (or their organisation) owns on
 * the boards they can open, and the actions they proposed that are not yet accepted. Every query
 * names the boards the access policy lets the caller open: nobody sees a row of any other board.
 */
export class MyWorkQueries {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly policy: AccessPolicy,
  ) {}

  async forUser(principal: Principal, query: WorkQuery): Promise<MyWork | Refusal> {
    const canSeeOrganisation = await this.#canSeeOrganisation(principal);
    if (query.scope === 'organisation') {
      if (!canSeeOrganisation)
        return refuse('forbidden', 'Only managers and facilitators can see their organisation’s actions');
      if (!principal.organisationId)
        return refuse(
          'invalid',
          'Your account names no organisation, so there are no organisation actions to show',
        );
    }
    const boards = await this.policy.boards(principal);
    const names = new Map(boards.map((board) => [board.id, board.name]));
    const boardIds =
      query.board === undefined ? [...names.keys()] : names.has(query.board) ? [query.board] : [];
    const [items, proposedByMe, counts] = await Promise.all([
      this.#items(boardIds, names, {
        ...(query.scope === 'organisation'
          ? { organisationId: principal.organisationId! }
          : { ownerId: principal.userId }),
        status: query.status ?? 'open',
        personId: query.person,
      }),
      this.#items(boardIds, names, {
        createdById: principal.userId,
        notOwnerId: principal.userId,
        status: 'proposed',
      }),
      this.counts(principal, boards),
    ]);
    return {
      scope: query.scope,
      items: items.slice(0, WORK_ITEMS_MAX),
      truncated: items.length > WORK_ITEMS_MAX,
      proposedByMe: proposedByMe.slice(0, WORK_ITEMS_MAX),
      boards: counts,
      canSeeOrganisation,
      organisationName: principal.organisationName,
    };
  }

  /** The caller's open actions on each board they can open (every board listed, with none too). */
  async counts(
    principal: Principal,
    boards?: readonly { id: string; name: string }[],
  ): Promise<WorkBoardCount[]> {
    const openable = boards ?? (await this.policy.boards(principal));
    if (openable.length === 0) return [];
    const rows = await this.db
      .selectFrom('projected_actions')
      .select([
        'board_id',
        (eb) => eb.fn.countAll<string>().as('open'),
        sql<string>`count(*) filter (where status = 'proposed')`.as('to_accept'),
      ])
      .where('owner_id', '=', principal.userId)
      .where('status', 'in', OPEN_ACTION_STATUSES)
      .where(
        'board_id',
        'in',
        openable.map((board) => board.id),
      )
      .groupBy('board_id')
      .execute();
    const byBoard = new Map(rows.map((row) => [row.board_id, row]));
    return openable.map((board) => ({
      boardId: board.id,
      boardName: board.name,
      open: Number(byBoard.get(board.id)?.open ?? 0),
      toAccept: Number(byBoard.get(board.id)?.to_accept ?? 0),
    }));
  }

  async #canSeeOrganisation(principal: Principal): Promise<boolean> {
    return principal.role === 'manager' || (await this.policy.isFacilitator(principal));
  }

  async #items(
    boardIds: readonly string[],
    names: ReadonlyMap<string, string>,
    filter: ItemFilter,
  ): Promise<WorkItem[]> {
    if (boardIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('projected_actions as a')
      .leftJoin('projected_people as p', (join) =>
        join.onRef('p.board_id', '=', 'a.board_id').onRef('p.id', '=', 'a.person_id'),
      )
      .leftJoin('organisations as o', 'o.id', 'a.owner_organisation_id')
      .select([
        'a.board_id',
        'a.id',
        'a.status',
        'a.due_date',
        'a.owner_id',
        'a.owner_organisation_id',
        'a.person_id',
        'a.created_by_id',
        'a.problems',
        'p.name as person_name',
        'o.name as organisation_name',
        sql<string | null>`a.record->>'title'`.as('title'),
        sql<string | null>`a.record->>'ownerName'`.as('owner_name'),
        sql<string | null>`a.record->>'createdBy'`.as('created_by'),
      ])
      .where('a.board_id', 'in', boardIds)
      .where((eb) => {
        const conditions: Expression<SqlBool>[] = [];
        if (filter.ownerId !== undefined) conditions.push(eb('a.owner_id', '=', filter.ownerId));
        if (filter.organisationId !== undefined)
          conditions.push(eb('a.owner_organisation_id', '=', filter.organisationId));
        if (filter.createdById !== undefined) conditions.push(eb('a.created_by_id', '=', filter.createdById));
        if (filter.notOwnerId !== undefined)
          conditions.push(eb.or([eb('a.owner_id', 'is', null), eb('a.owner_id', '<>', filter.notOwnerId)]));
        if (filter.personId !== undefined) conditions.push(eb('a.person_id', '=', filter.personId));
        // Open: any status not closed, and a record whose status cannot be read (it needs attention).
        conditions.push(
          filter.status === 'open'
            ? eb.or([eb('a.status', 'in', OPEN_ACTION_STATUSES), eb('a.status', 'is', null)])
            : eb('a.status', '=', filter.status),
        );
        return eb.and(conditions);
      })
      .orderBy(sql`a.due_date asc nulls last`)
      .orderBy('a.board_id')
      .orderBy('a.id')
      .limit(WORK_ITEMS_MAX + 1)
      .execute();
    return rows.map((row) => ({
      boardId: row.board_id,
      boardName: names.get(row.board_id) ?? '',
      id: row.id,
      title: row.title ?? '(an action with no title)',
      status: statusOf(row.status),
      dueDate: row.due_date,
      owner: {
        id: row.owner_id,
        name: row.owner_name ?? '',
        organisationId: row.owner_organisation_id,
        organisationName: row.organisation_name,
      },
      person:
        row.person_id === null
          ? null
          : {
              id: row.person_id,
              name: row.person_name ?? '',
              initials: row.person_name ? initialsOf(row.person_name) : '?',
            },
      createdBy: { id: row.created_by_id, name: row.created_by ?? '' },
      needsAttention: row.problems !== null,
    }));
  }
}

import { sql, type Kysely } from 'kysely';
import {
  FIGURES_OF_NOW,
  PROGRESS_ITEMS_MAX,
  type ProgressItem,
  type ProgressItems,
  type ProgressItemsQuery,
} from '#shared/progress';
import { initialsOf } from '#shared/work';
import type { Database } from '../db/schema.ts';
import type { Principal } from '../access/principal.ts';
import { isRefusal, type Refusal } from '../refusal.ts';
import { FIGURE_RECORDS, figureSet } from './figureSets.ts';
import type { ProgressQueries } from './progressFigures.ts';

/*
 * The list behind a figure of the progress page: the records its count counts (figureSets.ts), on the
 * boards the caller may see, read-only, each with what a link to it on its board needs. People are
 * named by initials, as lists across boards name them.
 */

interface ItemRow {
  board_id: string;
  id: string;
  at: Date | string | null;
  title: string | null;
  person_id: string | null;
  person_name: string | null;
  status: string | null;
  due_date: string | null;
  owner_name: string | null;
  organisation_name: string | null;
  stage_name: string | null;
}

export class ProgressItemsQueries {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly progress: ProgressQueries,
  ) {}

  async items(principal: Principal, query: ProgressItemsQuery): Promise<ProgressItems | Refusal> {
    const view = await this.progress.view(principal, query);
    if (isRefusal(view)) return view;
    const period = FIGURES_OF_NOW.includes(query.figure)
      ? { from: view.today, to: view.today }
      : query.of === 'before'
        ? view.previous
        : view.period;
    if (view.scope.boardIds.length === 0)
      return { figure: query.figure, period, items: [], truncated: false };
    const set = figureSet(query.figure, view.scope, period, { today: view.today, stage: query.stage });
    const recordType = FIGURE_RECORDS[query.figure];
    // The first PROGRESS_ITEMS_MAX + 1 records are chosen by what the list is ordered by alone, and
    // only those are read whole: ordering every open action of a Place with its text is slow.
    const first = sql`
      select f.board_id, f.id, f.at, f.due_date from (${set}) f
      order by f.at desc nulls last, f.due_date nulls last, f.board_id, f.id
      limit ${PROGRESS_ITEMS_MAX + 1}`;
    const joined = {
      actions: sql`
        select f.board_id, f.id, f.at, a.record->>'title' as title, a.person_id, p.name as person_name,
          a.status, a.due_date, a.record->>'ownerName' as owner_name, o.name as organisation_name,
          null as stage_name
        from (${first}) f
        join projected_actions a on a.board_id = f.board_id and a.id = f.id
        left join projected_people p on p.board_id = a.board_id and p.id = a.person_id
        left join organisations o on o.id = a.owner_organisation_id`,
      people: sql`
        select f.board_id, f.id, f.at, null as title, p.id as person_id, p.name as person_name,
          null as status, null as due_date, null as owner_name, null as organisation_name,
          s.name as stage_name
        from (${first}) f
        join projected_people p on p.board_id = f.board_id and p.id = f.id
        left join projected_stages s on s.board_id = p.board_id and s.id = p.stage_id`,
      goals: sql`
        select f.board_id, f.id, f.at, g.record->>'statement' as title, g.person_id, p.name as person_name,
          g.status, g.target_date as due_date, null as owner_name, o.name as organisation_name,
          null as stage_name
        from (${first}) f
        join projected_goals g on g.board_id = f.board_id and g.id = f.id
        left join projected_people p on p.board_id = g.board_id and p.id = g.person_id
        left join organisations o on o.id = g.lead_organisation_id`,
    }[recordType];
    const { rows } = await sql<ItemRow>`
      select * from (${joined}) i
      order by i.at desc nulls last, i.due_date nulls last, i.board_id, i.id`.execute(this.db);
    const names = new Map(view.boards.map((board) => [board.id, board.name]));
    return {
      figure: query.figure,
      period,
      items: rows.slice(0, PROGRESS_ITEMS_MAX).map((row): ProgressItem => {
        const person =
          row.person_id === null ? null : { id: row.person_id, initials: initialsOf(row.person_name ?? '') };
        return {
          recordType,
          boardId: row.board_id,
          boardName: names.get(row.board_id) ?? row.board_id,
          id: row.id,
          title: (recordType === 'people' ? person?.initials : row.title) ?? '',
          person,
          status: row.status,
          dueDate: row.due_date,
          ownerName: row.owner_name,
          organisationName: row.organisation_name,
          stageName: row.stage_name,
          at: row.at === null ? null : new Date(row.at).toISOString(),
        };
      }),
      truncated: rows.length > PROGRESS_ITEMS_MAX,
    };
  }
}

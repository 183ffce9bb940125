import { isOpenAction, isOverdue, type Action } from '#shared/board/action';
import { riskRank, type Person } from '#shared/board/person';

/** Records grouped by a key (a person, a goal, an organisation), each group in the records' order. */
export function groupBy<T, K>(records: readonly T[], keyOf: (record: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const record of records) {
    const key = keyOf(record);
    const group = groups.get(key);
    if (group) group.push(record);
    else groups.set(key, [record]);
  }
  return groups;
}

/**
 * `next`, with each group that holds the same records in the same order as `previous`'s group under
 * its key given as that earlier array: a view handed one person's group redraws only when it changed,
 * not whenever any group did.
 */
export function keepUnchangedGroups<K, T>(previous: Map<K, T[]> | undefined, next: Map<K, T[]>): Map<K, T[]> {
  if (!previous) return next;
  for (const [key, group] of next) {
    const before = previous.get(key);
    if (before && before.length === group.length && before.every((record, i) => record === group[i]))
      next.set(key, before);
  }
  return next;
}

const collator = new Intl.Collator('en-GB', { sensitivity: 'base', numeric: true });

export function compareNames(a: string, b: string): number {
  return collator.compare(a, b);
}

/** Handover order: red risk first, then amber, green and not rated; by name within each. */
export function byHandoverOrder(a: Person, b: Person): number {
  return riskRank(a.risk) - riskRank(b.risk) || compareNames(a.name, b.name) || a.id.localeCompare(b.id);
}

/** Soonest due first, then oldest first. */
export function byDueDate(a: Action, b: Action): number {
  return (
    a.dueDate.localeCompare(b.dueDate) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)
  );
}

/** A person's actions at a glance: how many are open and how many of those are overdue. */
export function actionCounts(actions: readonly Action[], today: string): { open: number; overdue: number } {
  let open = 0;
  let overdue = 0;
  for (const action of actions) {
    if (!isOpenAction(action)) continue;
    open += 1;
    if (isOverdue(action, today)) overdue += 1;
  }
  return { open, overdue };
}

/** "1 action" / "3 actions" */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

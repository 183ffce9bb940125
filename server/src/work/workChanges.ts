import type { ProjectionBatch } from '../projection/projectionBatch.ts';

/**
 * The users whose My work a board's stored projection changes touch: the owner and the proposer of
 * each action as it now is, and whoever an action was taken from.
 */
export function usersWhoseWorkChanged(projection: ProjectionBatch): Set<string> {
  const users = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string' && value !== '') users.add(value);
  };
  for (const { collection, record } of projection.records.values()) {
    if (collection !== 'actions' || !record) continue;
    add(record.fields.ownerId);
    add(record.fields.createdById);
  }
  for (const transition of projection.transitions) {
    if (transition.collection === 'actions' && transition.kind === 'owner') add(transition.from);
  }
  return users;
}

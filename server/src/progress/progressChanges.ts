import type { ProjectionBatch } from '../projection/projectionBatch.ts';

/**
 * Whether a board's stored projection changes move anything the progress page counts: its actions,
 * people, goals or stages, or their history. Comments alone do not.
 */
export function changesProgress(projection: ProjectionBatch): boolean {
  if (projection.whole || projection.transitions.length > 0) return true;
  for (const { collection } of projection.records.values()) if (collection !== 'comments') return true;
  return false;
}

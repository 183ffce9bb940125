import type { ProjectedCollection } from '#shared/board/records';
import type { ProjectedRecord, ProjectionChange, RecordTransition } from '../sync/boardChange.ts';

/**
 * One board's projection changes gathered in order, as the last of them leaves each record: what
 * storage writes in one go. A record changed many times between two writes is written once.
 */
export class ProjectionBatch {
  /** True when the batch starts from nothing: every record of the board not in it is gone. */
  whole = false;
  /** Each record as the batch leaves it; null when removed. */
  readonly records = new Map<
    string,
    {
      collection: ProjectedCollection;
      id: string;
      record: ProjectedRecord | null;
      /** Whether any change in the batch may have changed what the record's progress runs copy. */
      runFieldsChanged: boolean;
    }
  >();
  readonly transitions: RecordTransition[] = [];
  /** True when a change since the last whole one could not be projected. */
  behind = false;

  get empty(): boolean {
    return !this.whole && !this.behind && this.records.size === 0 && this.transitions.length === 0;
  }

  add(change: ProjectionChange): void {
    if (change.whole) {
      this.whole = true;
      this.behind = false;
      this.records.clear();
    }
    if (change.behind) this.behind = true;
    for (const { collection, id } of change.removed)
      this.records.set(key(collection, id), { collection, id, record: null, runFieldsChanged: true });
    const kept = change.runFieldsKept ?? [];
    // Most changes keep one action's run fields: a set only for many (a board projected whole).
    const keptSet = kept.length > 8 ? new Set(kept) : null;
    for (const record of change.records) {
      const k = key(record.collection, record.id);
      const unchanged =
        record.collection === 'actions' && (keptSet ? keptSet.has(record.id) : kept.includes(record.id));
      this.records.set(k, {
        collection: record.collection,
        id: record.id,
        record,
        runFieldsChanged: !unchanged || this.records.get(k)?.runFieldsChanged === true,
      });
    }
    this.transitions.push(...change.transitions);
  }

  /** Adds a later batch of the same board. */
  absorb(later: ProjectionBatch): void {
    if (later.whole) {
      this.whole = true;
      this.behind = false;
      this.records.clear();
    }
    if (later.behind) this.behind = true;
    for (const [k, entry] of later.records) {
      const earlier = this.records.get(k);
      this.records.set(k, {
        collection: entry.collection,
        id: entry.id,
        record: entry.record,
        runFieldsChanged: entry.runFieldsChanged || earlier?.runFieldsChanged === true,
      });
    }
    this.transitions.push(...later.transitions);
  }
}

const key = (collection: ProjectedCollection, id: string): string => `${collection}\u0000${id}`;

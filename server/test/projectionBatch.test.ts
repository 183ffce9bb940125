import { describe, expect, it } from 'vitest';
import { ProjectionBatch } from '../src/projection/projectionBatch.ts';
import type { ProjectedRecord, ProjectionChange } from '../src/sync/boardChange.ts';

const action = (title: string, ownerId: string): ProjectedRecord => ({
  collection: 'actions',
  id: 'a1',
  fields: { title, ownerId },
  problems: null,
});
const change = (record: ProjectedRecord, runFieldsKept: string[]): ProjectionChange => ({
  whole: false,
  records: [record],
  removed: [],
  transitions: [],
  runFieldsKept,
});

describe('a board’s projection batch', () => {
  it('writes an action’s progress runs again only when a change in the batch touched what they copy', () => {
    const renamed = new ProjectionBatch();
    renamed.add(change(action('Renamed', 'u1'), ['a1']));
    expect([...renamed.records.values()][0]!.runFieldsChanged).toBe(false);

    // Handed to someone else, then renamed: the batch still changed its owner.
    const handed = new ProjectionBatch();
    handed.add(change(action('Book a visit', 'u2'), []));
    handed.add(change(action('Renamed', 'u2'), ['a1']));
    expect([...handed.records.values()][0]!.runFieldsChanged).toBe(true);

    // The same across batches gathered together.
    const later = new ProjectionBatch();
    later.add(change(action('Renamed again', 'u2'), ['a1']));
    handed.absorb(later);
    expect([...handed.records.values()][0]!.runFieldsChanged).toBe(true);
    renamed.absorb(later);
    expect([...renamed.records.values()][0]!.runFieldsChanged).toBe(false);
  });
});

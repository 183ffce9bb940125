import { daysBetween } from '#shared/board/record';
import { DAYS_IN_STAGE_BANDS, ukToday, type StageFigures } from '#shared/progress';

/**
 * A stage of one board with, for each person at it now, when they entered it and whether the figures
 * are about them (one row for an empty stage).
 */
export interface StageRow {
  board_id: string;
  stage_id: string;
  name: string | null;
  position: number | null;
  limit: number | string | null;
  entered_at: Date | string | null;
  person_id: string | null;
  /** Whether the person is one the figures are about (the filters); everyone counts against a limit. */
  in_scope: boolean | null;
}

/** The median of numbers in order, or null for none. */
function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The stages' rows (one per person at a stage, or one for an empty stage) as the page's figures. */
export function stageFigures(rows: readonly StageRow[], today: string): StageFigures[] {
  type Tally = {
    days: number[];
    people: number;
    boards: Map<string, { limit: number | null; people: number }>;
  };
  const byName = new Map<string, Tally>();
  for (const row of rows) {
    const name = row.name ?? 'Unnamed stage';
    const stage: Tally = byName.get(name) ?? { days: [], people: 0, boards: new Map() };
    byName.set(name, stage);
    const key = `${row.board_id}/${row.stage_id}`;
    const limit = row.limit === null ? null : Number(row.limit);
    const onBoard = stage.boards.get(key) ?? { limit: Number.isInteger(limit) ? limit : null, people: 0 };
    stage.boards.set(key, onBoard);
    if (row.person_id === null) continue;
    onBoard.people++;
    if (row.in_scope === false) continue;
    stage.people++;
    if (row.entered_at !== null) {
      const entered = new Date(row.entered_at);
      if (!Number.isNaN(entered.getTime()))
        stage.days.push(Math.max(0, daysBetween(ukToday(entered), today)));
    }
  }
  return [...byName].map(([name, stage]) => {
    const days = [...stage.days].sort((a, b) => a - b);
    const limits = [...stage.boards.values()].filter((b) => b.limit !== null);
    const over = limits.filter((b) => b.people > b.limit!);
    return {
      name,
      people: stage.people,
      limit: limits.length === 0 ? null : limits.reduce((sum, b) => sum + b.limit!, 0),
      boardsOverLimit: over.length,
      peopleOverLimit: over.reduce((sum, b) => sum + b.people - b.limit!, 0),
      daysInStage: {
        median: median(days),
        longest: days.at(-1) ?? null,
        bands: DAYS_IN_STAGE_BANDS.map(
          (band) => days.filter((d) => d >= band.from && (band.to === null || d < band.to)).length,
        ),
      },
    };
  });
}

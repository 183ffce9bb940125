import { describe, expect, it } from 'vitest';
import { daysInStage, isOverLimit, stageInputSchema, stagesFromTemplate } from './pathway.ts';

describe('pathway', () => {
  it('has the frailty template in order, and a blank one', () => {
    expect(stagesFromTemplate('frailty').map((s) => [s.order, s.name])).toEqual([
      [0, 'Identified'],
      [1, 'Comprehensive Geriatric Assessment'],
      [2, 'Care and support plan'],
      [3, 'Interventions'],
      [4, 'Review'],
      [5, 'Stepped down'],
    ]);
    expect(stagesFromTemplate('blank')).toEqual([]);
  });

  it('counts whole days in a stage from the day the person entered it', () => {
    expect(daysInStage('2026-11-20T23:30:00', '2026-11-20')).toBe(0);
    expect(daysInStage('2026-11-20T08:00:00', '2026-11-29')).toBe(9);
    expect(daysInStage(null, '2026-11-29')).toBeNull();
    expect(daysInStage('not a date', '2026-11-29')).toBeNull();
  });

  it('warns only above a limit, and a limit is a whole number of people', () => {
    expect(isOverLimit({ limit: 3 }, 3)).toBe(false);
    expect(isOverLimit({ limit: 3 }, 4)).toBe(true);
    expect(isOverLimit({ limit: null }, 400)).toBe(false);
    expect(stageInputSchema.safeParse({ name: 'Review', limit: 0 }).success).toBe(false);
    expect(stageInputSchema.safeParse({ name: 'Review', limit: 2.5 }).success).toBe(false);
    expect(stageInputSchema.safeParse({ name: ' ', limit: null }).error?.issues[0]?.message).toBe(
      'Give the stage a name',
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  apiItemsQueryFrom,
  apiQueryFromProgress,
  changeLabel,
  periodOf,
  periodProblem,
  progressPageQueryFrom,
  routeQueryFromProgress,
  withoutList,
} from './progress.ts';

describe('the progress page address', () => {
  it('reads a shared link back as it was written, and a plain one as the defaults', () => {
    const query = {
      ...progressPageQueryFrom({}),
      period: '12w' as const,
      team: 'frailty',
      organisation: 'elm-tree-practice',
      risk: 'red' as const,
      frailty: '6',
      list: 'overdue' as const,
    };
    const written = routeQueryFromProgress(query);
    expect(written).toEqual({
      period: '12w',
      team: 'frailty',
      organisation: 'elm-tree-practice',
      risk: 'red',
      frailty: '6',
      list: 'overdue',
    });
    expect(progressPageQueryFrom(written as Record<string, string>)).toEqual(query);
    expect(routeQueryFromProgress(progressPageQueryFrom({}))).toEqual({});
    expect(routeQueryFromProgress(withoutList(query))).not.toHaveProperty('list');
  });

  it('ignores what it cannot read in an address rather than asking the server for it', () => {
    const junk = progressPageQueryFrom({
      period: 'forever',
      from: '2026-02-30',
      to: '2026-03-01',
      risk: 'purple',
      frailty: '10',
      list: 'everything',
      of: 'later',
      board: ['first', 'second'],
    });
    expect(junk).toMatchObject({
      period: '4w',
      from: '',
      to: '',
      risk: '',
      frailty: '',
      list: '',
      of: 'now',
    });
    expect(junk.board).toBe('first');
    expect(apiItemsQueryFrom(junk, '2026-12-05')).toBeNull();
  });

  it('asks for the chosen days, or the last weeks to today, with the filters chosen', () => {
    const custom = progressPageQueryFrom({ from: '2026-10-19', to: '2026-10-25', frailty: '5' });
    expect(custom.period).toBe('custom');
    expect(apiQueryFromProgress(custom, '2026-12-05')).toEqual({
      from: '2026-10-19',
      to: '2026-10-25',
      frailty: 5,
    });
    expect(periodOf(progressPageQueryFrom({ period: '12w' }), '2026-12-05')).toEqual({
      from: '2026-09-13',
      to: '2026-12-05',
    });
    // A figure of how things stand now is listed for now, whatever the address says.
    const overdue = progressPageQueryFrom({ list: 'overdue', of: 'before' });
    expect(apiItemsQueryFrom(overdue, '2026-12-05')).toMatchObject({ figure: 'overdue', of: 'now' });
    const atStage = progressPageQueryFrom({ list: 'atStage', stage: 'Review' });
    expect(apiItemsQueryFrom(atStage, '2026-12-05')).toMatchObject({ figure: 'atStage', stage: 'Review' });
  });

  it('says what is wrong with chosen dates before asking', () => {
    expect(periodProblem({ from: '2026-10-25', to: '2026-10-19' })).toBe(
      'The last day must be on or after the first',
    );
    expect(periodProblem({ from: '2025-01-01', to: '2026-12-31' })).toBe(
      'Choose a period of 366 days or fewer',
    );
    expect(periodProblem({ from: '', to: '2026-10-19' })).toBe('Enter the first day as a real date');
    expect(periodProblem({ from: '2026-10-19', to: '2026-10-19' })).toBeNull();
  });

  it('says how a figure moved against the period before', () => {
    expect(changeLabel({ now: 15, before: 12 })).toBe('up 3 from 12 the period before');
    expect(changeLabel({ now: 2.5, before: 3 }, ' days')).toBe('down 0.5 days from 3 days the period before');
    expect(changeLabel({ now: 4, before: 4 })).toBe('the same as the period before (4)');
    expect(changeLabel({ now: 80, before: null }, '%')).toBe('none the period before');
  });
});

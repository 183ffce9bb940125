import { describe, expect, it } from 'vitest';
import { pageTitle } from './pageTitle.ts';

describe('page titles', () => {
  it('name the page, then the board on a board’s pages, then Huddle', () => {
    expect(pageTitle('My work')).toBe('My work - Huddle');
    expect(pageTitle(undefined)).toBe('Huddle');
    expect(pageTitle('Actions', 'Riverside frailty MDT')).toBe('Actions: Riverside frailty MDT - Huddle');
    expect(pageTitle(undefined, 'Riverside frailty MDT')).toBe('Riverside frailty MDT - Huddle');
  });
});

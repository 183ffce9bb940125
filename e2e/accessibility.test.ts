import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousAccessibilityProblems, screenshot } from './support/axe.ts';
import { FRAILTY_BOARD, demo, type DemoUser } from './support/demoUsers.ts';
import { useScenario } from './support/scenario.ts';
import { BoardPage } from './support/pages/BoardPage.ts';
import { HandoverPage } from './support/pages/HandoverPage.ts';

/**
 * Every view of the demo board, as someone who edits it and as someone who only views it, checked by
 * axe against WCAG 2.2 A and AA: no serious or critical problem anywhere on the page.
 */
const VIEWS: { name: string; path: string; ready: string; prepare?: (page: Page) => Promise<void> }[] = [
  {
    name: 'handover',
    path: '',
    ready: 'view-handover',
    prepare: async (page) => {
      const handover = new HandoverPage(page);
      await handover.expand('Margaret Ellis');
      const addPerson = page.locator('details').filter({ hasText: 'Add a person' });
      if (await addPerson.count()) await addPerson.locator('summary').click();
    },
  },
  { name: 'actions', path: '/actions', ready: 'view-actions' },
  { name: 'goals', path: '/goals', ready: 'view-goals' },
  { name: 'pathway', path: '/pathway', ready: 'view-pathway' },
  { name: 'person', path: '/people/person-1', ready: 'view-person' },
  { name: 'meeting', path: '/meeting', ready: 'view-meeting' },
];

describe('accessibility of every board view', () => {
  const scenario = useScenario();

  for (const [role, user] of [
    ['a team member', demo.grace],
    ['a viewer', demo.helen],
  ] as [string, DemoUser][]) {
    it(`finds no serious or critical problems on any view for ${role}`, async () => {
      const { page } = await scenario.signedIn(user, BoardPage.path(FRAILTY_BOARD.id));
      const board = new BoardPage(page);
      await board.waitUntilLive();
      const found: Record<string, string[]> = {};
      for (const view of VIEWS) {
        await page.goto(`${BoardPage.path(FRAILTY_BOARD.id)}${view.path}`);
        await board.waitUntilLive();
        await page.getByTestId(view.ready).waitFor();
        await view.prepare?.(page);
        await screenshot(page, `a11y-${view.name}-${user.id}.png`);
        found[view.name] = await seriousAccessibilityProblems(page);
      }
      expect(found).toEqual(Object.fromEntries(VIEWS.map((v) => [v.name, []])));
    });
  }
});

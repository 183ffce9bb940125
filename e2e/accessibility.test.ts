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

  // One test a view: six views checked by axe in one test took more than a minute on a busy machine.
  for (const [role, user] of [
    ['a team member', demo.grace],
    ['a viewer', demo.helen],
  ] as [string, DemoUser][]) {
    for (const view of VIEWS) {
      it(`finds no serious or critical problems on the ${view.name} view for ${role}`, async () => {
        const { page } = await scenario.signedIn(user, `${BoardPage.path(FRAILTY_BOARD.id)}${view.path}`);
        await new BoardPage(page).waitUntilLive();
        await page.getByTestId(view.ready).waitFor();
        await view.prepare?.(page);
        await screenshot(page, `a11y-${view.name}-${user.id}.png`);
        expect(await seriousAccessibilityProblems(page)).toEqual([]);
      });
    }
  }
});

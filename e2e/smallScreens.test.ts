import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { accessibilityProblems } from './support/axe.ts';
import { demo } from './support/demoUsers.ts';
import { textOf, useScenario } from './support/scenario.ts';
import { BoardPage } from './support/pages/BoardPage.ts';
import { HandoverPage } from './support/pages/HandoverPage.ts';
import { PathwayPage } from './support/pages/PathwayPage.ts';

const unique = (label: string): string => `${label} ${randomUUID().slice(0, 8)}`;

describe('the board on a phone and on a laptop screen', () => {
  const scenario = useScenario();

  it('on a 390 x 844 phone, the first person of the handover is on the first screen, and a name reads as what opens the row', async () => {
    const board = await scenario.server.createBoard(unique('E2E phone'));
    const actor = await scenario.signedIn(demo.grace, BoardPage.path(board.id));
    await actor.page.setViewportSize({ width: 390, height: 844 });
    const handover = new HandoverPage(actor.page);
    /** What reaches past the phone's width, if anything: it would make the page scroll sideways. */
    const widerThanThePhone = () =>
      actor.page.evaluate<string[]>(
        `[...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > 391)` +
          `.slice(0, 5).map((el) => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))`,
      );
    await handover.waitUntilLive();
    const name = unique('Margaret Ellis');
    await handover.addPerson({ name, risk: 'red', riskReason: 'Two falls this month' });
    await actor.page.evaluate('window.scrollTo(0, 0)');
    const row = handover.person(name);
    const top = await row.evaluate((el) => el.getBoundingClientRect().top);
    expect(top).toBeLessThan(844 - 60);
    await expect.poll(widerThanThePhone).toEqual([]);
    // The name is not drawn as a link (its page is the "Everything about" link in the row).
    const toggle = row.getByRole('button', { name, exact: true });
    const look = await toggle.evaluate((el) => {
      const style = el.ownerDocument.defaultView!.getComputedStyle(el);
      return { underline: style.textDecorationLine, colour: style.color };
    });
    expect(look).toEqual({ underline: 'none', colour: 'rgb(33, 43, 50)' });
    // Opened, with the quick entry of an action and its list of owners, it still fits the phone.
    const panel = await handover.expand(name);
    await panel
      .getByRole('region', { name: `Add an action for ${name}` })
      .getByLabel('Owner', { exact: true })
      .waitFor();
    await expect.poll(widerThanThePhone).toEqual([]);
  });

  it('at 1366 px, the pathway says which columns are in sight and brings the rest into view by its buttons', async () => {
    const board = await scenario.server.createBoard(unique('E2E pathway width'));
    const actor = await scenario.signedIn(demo.grace, PathwayPage.path(board.id));
    await actor.page.setViewportSize({ width: 1366, height: 768 });
    const page = actor.page;
    await page.getByTestId('view-pathway').waitFor();
    const more = page.getByTestId('pathway-more');
    await expect.poll(textOf(more)).toMatch(/Columns 1 to \d of 7 are in view/);
    const earlier = more.getByRole('button', { name: 'Earlier stages' });
    const later = more.getByRole('button', { name: 'Later stages' });
    expect(await earlier.isDisabled()).toBe(true);
    expect(await accessibilityProblems(page)).toEqual([]);
    const last = page.getByRole('list', { name: 'Pathway stages, in order' }).locator(':scope > li').last();
    const inView = () =>
      last.evaluate((el) => {
        const row = el.parentElement!.getBoundingClientRect();
        return el.getBoundingClientRect().right <= row.right + 1;
      });
    expect(await inView()).toBe(false);
    for (let i = 0; i < 3 && !(await inView()); i += 1) {
      await later.click();
      await page.waitForTimeout(400);
    }
    expect(await inView()).toBe(true);
    await expect.poll(textOf(more)).toMatch(/to 7 of 7 are in view/);
    expect(await earlier.isDisabled()).toBe(false);
    expect(await later.isDisabled()).toBe(true);
  });
});

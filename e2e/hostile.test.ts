import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Organisation } from '#shared/organisations';
import type { TeamDetail } from '#shared/teams';
import type { TemporaryPasswordResponse } from '#shared/users';
import { FRAILTY_BOARD, FRAILTY_TEAM, demo } from './support/demoUsers.ts';
import { useScenario } from './support/scenario.ts';
import { ActionsPage } from './support/pages/ActionsPage.ts';
import { BoardPage } from './support/pages/BoardPage.ts';

/** Text that would run, or change the page, if Huddle ever treated it as markup. */
const HOSTILE = [
  `<img src=x onerror="window.__huddlePwned = 'img'">`,
  `<script>window.__huddlePwned = 'script'</script>`,
  `<svg onload="window.__huddlePwned = 'svg'"></svg>`,
  `Robert'); DROP TABLE users; --`,
  `{{ constructor.constructor('window.__huddlePwned = "template"')() }}`,
  `Mrs \u202Eeirdna\u202C O\u0301'Brien \u{1F469}\u200D\u{1F469}\u200D\u{1F467}`,
];

async function expectInert(page: Page, shown: readonly string[]): Promise<void> {
  for (const text of shown) {
    await expect
      .poll(() => page.getByText(text, { exact: false }).count(), { message: text })
      .toBeGreaterThan(0);
  }
  expect(await page.evaluate(() => (globalThis as { __huddlePwned?: string }).__huddlePwned)).toBeUndefined();
  expect(await page.locator('main img[src="x"], main svg[onload], main script').count()).toBe(0);
}

describe('hostile text in every field people type into', () => {
  const scenario = useScenario();
  const tag = randomUUID().slice(0, 6);
  const named = (text: string, i: number) => `${text} ${tag}${i}`;
  const teamId = { value: '' };
  const userId = { value: '' };

  beforeAll(async () => {
    // Organisations, a team, a user and boards named with hostile text, made as an admin would.
    for (const [i, text] of HOSTILE.entries()) {
      const organisation = await scenario.server.asAdmin('POST', '/api/organisations', {
        name: named(text, i),
        kind: 'voluntary',
      });
      expect(organisation.status).toBe(201);
      if (i === 0) {
        const team = await scenario.server.asAdmin('POST', '/api/teams', { name: named(text, i) });
        expect(team.status).toBe(201);
        teamId.value = ((await team.json()) as TeamDetail).id;
        const user = await scenario.server.asAdmin('POST', '/api/users', {
          name: text,
          email: `hostile-${tag}@riverside.example`,
          profession: HOSTILE[1],
          organisationId: ((await organisation.json()) as Organisation).id,
          role: null,
        });
        expect(user.status).toBe(201);
        userId.value = ((await user.json()) as TemporaryPasswordResponse).user.id;
        const member = await scenario.server.asAdmin(
          'PUT',
          `/api/teams/${FRAILTY_TEAM.id}/members/${userId.value}`,
          {
            role: 'member',
          },
        );
        expect(member.status).toBe(200);
      }
      await scenario.server.createBoard(named(text, i), { teamIds: [FRAILTY_TEAM.id, teamId.value] });
    }
  });

  it('shows it as text on the board list, on action cards and their owner, live on another screen, and in the history', async () => {
    const grace = await scenario.signedIn(demo.grace);
    await grace.page.goto('/');
    await expectInert(grace.page, HOSTILE.map(named));

    const board = new ActionsPage(grace.page);
    await board.open(FRAILTY_BOARD.id, FRAILTY_BOARD.name);
    await board.waitUntilLive();
    await board.openFromNav();
    // Each action is owned by the team member whose name is hostile text.
    for (const [i, text] of HOSTILE.entries()) {
      await board.addActionCard({
        title: named(text, i),
        ownerId: userId.value,
        dueDate: '2026-12-01',
        person: 'Margaret Ellis',
      });
    }
    await expectInert(grace.page, [HOSTILE[0]!]);
    await expectInert(grace.page, HOSTILE.map(named));

    // Another clinician receives the same text live, and it stays text there too.
    const priya = await scenario.signedIn(demo.priya, `${BoardPage.path(FRAILTY_BOARD.id)}/actions`);
    await new BoardPage(priya.page).waitUntilLive();
    await expectInert(priya.page, HOSTILE.map(named));
    await priya.page.getByRole('button', { name: `History of ${named(HOSTILE[0]!, 0)}` }).click();
    await expect.poll(() => priya.page.getByRole('dialog').getByText(HOSTILE[0]!).count()).toBeGreaterThan(0);
    await expectInert(priya.page, [HOSTILE[0]!]);
  });

  it('shows it as text on every admin page', async () => {
    const asha = await scenario.signedIn(demo.asha);
    for (const path of ['/admin/organisations', '/admin/boards', '/admin/teams']) {
      await asha.page.goto(path);
      await expectInert(asha.page, HOSTILE.map(named).slice(0, path === '/admin/teams' ? 1 : undefined));
    }
    await asha.page.goto('/admin/users');
    await expectInert(asha.page, [HOSTILE[0]!, HOSTILE[1]!]);
    await asha.page.goto(`/admin/users/${userId.value}`);
    await expectInert(asha.page, [HOSTILE[0]!, HOSTILE[1]!, named(HOSTILE[0]!, 0)]);
    await asha.page.goto(`/admin/teams/${FRAILTY_TEAM.id}`);
    await expectInert(asha.page, [HOSTILE[0]!, HOSTILE[1]!]);
  });
});

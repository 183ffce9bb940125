import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { todayIsoDate } from '#shared/board/record';
import { initialsOf } from '#shared/work';
import { createLogger } from '../server/src/log.ts';
import { createMailer } from '../server/src/notifications/mailer.ts';
import { NotificationJobs } from '../server/src/notifications/notificationJobs.ts';
import { startSmtpServer } from '../server/test/support/smtpServer.ts';
import { demo } from './support/demoUsers.ts';
import { onDatabase } from './support/huddleServer.ts';
import { useScenario } from './support/scenario.ts';
import { ActionsPage } from './support/pages/ActionsPage.ts';
import { BoardPage } from './support/pages/BoardPage.ts';

const unique = (label: string): string => `${label} ${randomUUID().slice(0, 8)}`;
const SITE = 'https://huddle.test';

describe('the daily digest', () => {
  const scenario = useScenario({ ownServer: true });

  it('over a controlled day, an overdue action brings its owner exactly one digest email (two servers running the day’s jobs), naming initials and a link that opens the action', async () => {
    const smtp = await startSmtpServer();
    const board = await scenario.server.createBoard(unique('E2E digest'));
    const priya = new ActionsPage((await scenario.signedIn(demo.priya, BoardPage.path(board.id))).page);
    await priya.waitUntilLive();
    const person = unique('Winifred Adebayo');
    const title = unique('Check the pressure sore dressing');
    await priya.addPerson({ name: person });
    await priya.openFromNav();
    await priya.addActionCard({ title, ownerId: demo.priya.id, dueDate: todayIsoDate(), person });
    await priya.waitUntilToldOfStorage();

    // The day after tomorrow, on two servers' schedules at once: the action is overdue by then.
    const day = new Date();
    day.setDate(day.getDate() + 2);
    const at = (hour: number, minute = 0) =>
      new Date(day.getFullYear(), day.getMonth(), day.getDate(), hour, minute);
    const toPriya = () => smtp.received.filter((email) => email.to.includes(demo.priya.email));
    const log = createLogger('silent');
    await scenario.server.whileStopped((database) =>
      onDatabase(database, async (db) => {
        const clock = { now: at(6) };
        const servers = [1, 2].map(
          () =>
            new NotificationJobs(db, createMailer(smtp.url, 'Huddle <huddle@test>', log), log, {
              digestHour: 7,
              siteUrl: SITE,
              now: () => clock.now,
            }),
        );
        // 06:00: the overdue reminder is made; the digest waits for 07:00.
        await servers[0]!.tick();
        expect(toPriya()).toEqual([]);
        // 07:30 on both servers at once, and again in the afternoon: one email.
        clock.now = at(7, 30);
        await Promise.all(servers.map((jobs) => jobs.tick()));
        clock.now = at(16);
        await Promise.all(servers.map((jobs) => jobs.tick()));
      }),
    );

    expect(toPriya()).toHaveLength(1);
    const [digest] = toPriya();
    expect(digest!.subject).toBe('Huddle: your daily summary');
    expect(digest!.text).toContain(`An action of yours is overdue for ${initialsOf(person)} (${board.name})`);
    expect(digest!.text).not.toContain(person);
    expect(digest!.text).not.toContain(title);
    const link = digest!.text.match(new RegExp(`${SITE}(/boards/${board.id}/actions\\?action=[^\\s]+)`));
    expect(link).not.toBeNull();

    // The link opens the action on its board; her bell has the overdue notification.
    const page = priya.page;
    await page.goto(`${scenario.server.url}${link![1]}`);
    const actions = new ActionsPage(page);
    await actions.waitUntilLive();
    await actions.card(title).waitFor();
    // Counted for this action alone: the seed's own actions are dated from when the suite's
    // database was made, so a run that crosses midnight finds some of them overdue as well.
    await expect
      .poll(async () => Number(await page.getByTestId('bell').getAttribute('data-unread')))
      .toBeGreaterThan(0);
    await page.getByTestId('bell').click();
    const aboutThisAction = page.getByTestId('notification').filter({ hasText: title });
    await expect.poll(() => aboutThisAction.count()).toBe(1);
    expect(await aboutThisAction.innerText()).toContain(`An action of yours is overdue: ${title}`);
    expect(await aboutThisAction.getAttribute('data-read')).toBe('false');
  });
});

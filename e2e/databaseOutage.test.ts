import { randomUUID } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDatabaseProxy, type TcpProxy } from '../server/test/support/tcpProxy.ts';
import { signedInActor } from './support/actors.ts';
import { accessibilityProblems } from './support/axe.ts';
import { demo } from './support/demoUsers.ts';
import { startHuddleServer, type HuddleServer } from './support/huddleServer.ts';
import { BoardPage } from './support/pages/BoardPage.ts';
import { textOf } from './support/scenario.ts';

const databaseUrl = process.env.DATABASE_URL;
const unique = (label: string): string => `${label} ${randomUUID().slice(0, 8)}`;

if (!databaseUrl) {
  describe('the board during a database outage', () => {
    it.skip('needs Postgres: set DATABASE_URL (embedded PGlite cannot go away)', () => {});
  });
} else {
  describe('the board during a database outage', () => {
    let proxy: TcpProxy;
    let server: HuddleServer;
    let browser: Browser;

    beforeAll(async () => {
      proxy = await startDatabaseProxy(databaseUrl, { shared: true });
      server = await startHuddleServer({
        databaseUrl: (url) => proxy.url(url),
        env: { STORAGE_WARN_AFTER_MS: '1000', DATABASE_CONNECT_TIMEOUT_MS: '1000' },
      });
      browser = await chromium.connect(inject('e2e').browserEndpoint);
    });
    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      await proxy?.close();
    });

    it('tells the clinician her changes are not stored yet while the database is cut, and that they are once it is back', async () => {
      const board = await server.createBoard(unique('Outage MDT'));
      const grace = await signedInActor(browser, server.url, demo.grace, BoardPage.path(board.id));
      try {
        const page = new BoardPage(grace.page);
        await page.heading(board.name).waitFor();
        await page.waitUntilLive();
        await page.waitUntilToldOfStorage();
        const notice = grace.page.getByTestId('storage-notice');
        await expect.poll(textOf(notice)).toBe('');

        proxy.set('cut');
        await page.addPerson({ name: 'Alice Outage' });
        const warning = notice.getByRole('heading', { name: 'Important: Changes are not stored yet' });
        await warning.waitFor();
        expect(await notice.textContent()).toContain(
          'The server cannot store changes at the moment. Your changes are safe in this browser and ' +
            'everyone on the board sees them; they will be stored as soon as it recovers.',
        );
        expect(await accessibilityProblems(grace.page, '[data-testid="storage-notice"]')).toEqual([]);

        proxy.set('pass');
        await notice.getByText('The server is storing changes again').waitFor({ timeout: 20_000 });
        expect(await warning.count()).toBe(0);
        // The confirmation is short-lived.
        await notice
          .getByText('The server is storing changes again')
          .waitFor({ state: 'hidden', timeout: 20_000 });
      } finally {
        await grace.close();
      }
    });
  });
}

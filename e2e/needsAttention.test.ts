import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../server/src/config.ts';
import { createLogger } from '../server/src/log.ts';
import { PostgresBoardStorage } from '../server/src/storage/postgresBoardStorage.ts';
import { Collection } from '#shared/board/boardDoc';
import { demo } from './support/demoUsers.ts';
import { onDatabase } from './support/huddleServer.ts';
import { textOf, useScenario } from './support/scenario.ts';
import { BoardPage, type BoardView } from './support/pages/BoardPage.ts';

const unique = (label: string): string => `${label} ${randomUUID().slice(0, 8)}`;

describe('records an old or hostile client wrote wrongly', () => {
  const scenario = useScenario({ ownServer: true });

  it('are listed as needing attention with what is wrong, and every view still works', async () => {
    const board = await scenario.server.createBoard(unique('E2E needs attention'));
    // The server refuses such records now; these were stored by a client before it did, as an
    // older server would have kept them.
    const broken = unique('Edith Clarke');
    const doc = new Y.Doc();
    doc.transact(() => {
      const person = new Y.Map<unknown>();
      doc.getMap(Collection.people).set('hostile-person', person);
      person.set('name', broken);
      person.set('frailtyScore', 'very frail');
      const action = new Y.Map<unknown>();
      doc.getMap(Collection.actions).set('hostile-action', action);
      action.set('title', 42);
      doc.getMap(Collection.goals).set('not-a-record', 'just text' as unknown as Y.Map<unknown>);
    });
    await scenario.server.whileStopped((database) =>
      onDatabase(database, async (db) => {
        const storage = new PostgresBoardStorage(db, loadConfig({}).storage, createLogger('silent'));
        await storage.append(board.id, { update: Y.encodeStateAsUpdate(doc) });
        await storage.flush();
      }),
    );

    const page = new BoardPage((await scenario.signedIn(demo.grace, BoardPage.path(board.id))).page);
    await page.waitUntilLive();
    const good = unique('Harold Bennett');
    await page.addPerson({ name: good, risk: 'amber', riskReason: 'Carer in hospital' });

    const attention = page.page.getByTestId('needs-attention');
    await expect.poll(textOf(attention)).toContain(`Person: ${broken}`);
    await expect.poll(textOf(attention)).toContain('Choose a Clinical Frailty Scale score from 1 to 9');
    await expect.poll(textOf(attention)).toContain('Action: Untitled');
    await expect.poll(textOf(attention)).toContain('record is not a map of fields');

    for (const view of ['Actions', 'Goals', 'Pathway', 'Handover'] as BoardView[]) {
      await page.goTo(view);
      expect(await attention.count()).toBe(1);
    }
    // The valid person is shown as usual; the broken one only in the list above.
    await page.page.getByTestId('handover-person').filter({ hasText: good }).waitFor();
    expect(await page.page.getByTestId('handover-person').filter({ hasText: broken }).count()).toBe(0);
    await page.page.goto(`${BoardPage.path(board.id)}/people/hostile-person`);
    await page.page.getByTestId('view-person').waitFor();
    await expect
      .poll(textOf(page.page.getByTestId('person-problems')))
      .toContain('Choose a Clinical Frailty Scale score from 1 to 9');
  });
});

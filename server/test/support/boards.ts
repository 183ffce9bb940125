import { expect, onTestFinished } from 'vitest';
import type { ActionInput } from '../../../shared/board/action.ts';
import type { Actor } from '../../../shared/board/record.ts';
import type { TestClient } from './clients.ts';
import { createTestDatabase, type TestDatabase } from './testDatabase.ts';
import { DEMO, signIn, signedIn } from './auth.ts';

/** A fresh database (Postgres when DATABASE_URL is set, PGlite otherwise), dropped after the test. */
export async function testDb(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  onTestFinished(() => db.drop());
  return db;
}

/** The demo team that owns boards made by `newBoard`: its members can edit them. */
export const TEST_TEAM_ID = 'riverside-frailty-team';

/**
 * Creates a board owned by the demo frailty team through the REST API, signed in as the demo
 * admin, and returns its id.
 */
export async function newBoard(url: string, name = 'Test board', teamIds = [TEST_TEAM_ID]): Promise<string> {
  const admin = await signedIn(url, DEMO.admin);
  const response = await admin.post<{ id: string }>('/api/boards', { name, teamIds });
  expect(response.status).toBe(201);
  return response.body.id;
}

/** Signs in as a member of the demo frailty team: the `Cookie` header for `connectClient`. */
export function memberCookie(url: string, email: string = DEMO.member): Promise<string> {
  return signIn(url, email);
}

/** The owner of every action `anAction` describes: the demo occupational therapist. */
export const ACTION_OWNER_ID = 'demo-priya-shah';

/** Someone changing a board in a test, named in the trail; by default the owner of `anAction`'s actions. */
export const by = (name = 'Priya Shah', id: string | null = ACTION_OWNER_ID): Actor => ({ id, name });

/** An action for the demo board's first person, owned by `ACTION_OWNER_ID`. */
export const anAction = (title: string, personId = 'person-1'): ActionInput => ({
  title,
  ownerId: ACTION_OWNER_ID,
  ownerName: 'Priya Shah',
  ownerOrganisationId: 'riverside-community',
  dueDate: '2026-12-01',
  personId,
});

export function actionTitles(client: TestClient): string[] {
  return client.board
    .readActions()
    .flatMap((r) => (r.ok ? [r.value.title] : []))
    .sort();
}

import { expect, onTestFinished } from 'vitest';
import type { ActionInput } from '../../../shared/board/action.ts';
import type { TestClient } from './clients.ts';
import { createTestDatabase, type TestDatabase } from './testDatabase.ts';

/** A fresh database (Postgres when DATABASE_URL is set, PGlite otherwise), dropped after the test. */
export async function testDb(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  onTestFinished(() => db.drop());
  return db;
}

/** Creates a board through the REST API, as the board list page does. */
export async function newBoard(url: string, name = 'Test board'): Promise<string> {
  const response = await fetch(`${url}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

export const anAction = (title: string): ActionInput => ({
  title,
  ownerName: 'Priya Nair',
  ownerOrganisationId: 'riverside-community',
  dueDate: '2026-12-01',
  personId: null,
});

export function actionTitles(client: TestClient): string[] {
  return client.board
    .readActions()
    .flatMap((r) => (r.ok ? [r.value.title] : []))
    .sort();
}

import { expect, onTestFinished } from 'vitest';
import type { ActionInput } from '#shared/board/action';
import type { Actor } from '#shared/board/record';
import { connectClient, type TestClient } from './clients.ts';
import { createTestDatabase, type TestDatabase, type TestDatabaseStart } from './testDatabase.ts';
import { DEMO, signIn, signedIn } from './auth.ts';

/**
 * A fresh database (Postgres when DATABASE_URL is set, PGlite otherwise), dropped after the test:
 * as a first start leaves it (the demo Place seeded), or `empty` for a first start itself.
 */
export async function testDb(start: TestDatabaseStart = 'seeded'): Promise<TestDatabase> {
  const db = await createTestDatabase({ start });
  onTestFinished(() => db.drop());
  return db;
}

/** The demo team that owns boards made by `newBoard`: its members can edit them. */
export const TEST_TEAM_ID = 'riverside-frailty-team';

/** The person every board `newBoard` makes holds, whom `anAction`'s actions are for. */
export const TEST_PERSON_ID = 'person-1';

/**
 * Creates a board owned by the demo frailty team through the REST API, signed in as the demo
 * admin, and returns its id. Unless `person` is false, the board holds one person, `person-1`
 * (as the demo board does), added by the demo occupational therapist: actions are for a person.
 */
export async function newBoard(
  url: string,
  name = 'Test board',
  teamIds = [TEST_TEAM_ID],
  { person = true }: { person?: boolean } = {},
): Promise<string> {
  const admin = await signedIn(url, DEMO.admin);
  const response = await admin.post<{ id: string }>('/api/boards', { name, teamIds });
  expect(response.status).toBe(201);
  const boardId = response.body.id;
  if (person && teamIds.includes(TEST_TEAM_ID)) {
    const client = connectClient(url, boardId, { cookie: await memberCookie(url) });
    await client.synced();
    client.board.addPerson({ name: 'Margaret Ellis' }, { by: by(), id: TEST_PERSON_ID });
    // Seen by a second connection: the server has it.
    const check = connectClient(url, boardId, { cookie: await memberCookie(url) });
    await expect.poll(() => check.board.readPeople().some((p) => p.id === TEST_PERSON_ID)).toBe(true);
    client.destroy();
    check.destroy();
  }
  return boardId;
}

/**
 * Signs in as a member of the demo frailty team: the `Cookie` header for `connectClient`. By
 * default the demo occupational therapist, who owns the actions `anAction` describes and whom `by()`
 * names, so that what a test writes is in the name of the user its connection belongs to.
 */
export function memberCookie(url: string, email: string = DEMO.otherMember): Promise<string> {
  return signIn(url, email);
}

/** The owner of every action `anAction` describes: the demo occupational therapist. */
export const ACTION_OWNER_ID = 'demo-priya-shah';

/** The demo community matron (`DEMO.member`), as the board names her. */
export const GRACE: Actor = { id: 'demo-grace-okafor', name: 'Grace Okafor' };

/**
 * Someone changing a board in a test, named in the trail; by default the owner of `anAction`'s
 * actions, the user `memberCookie()` signs in as. The server keeps only changes made in the name
 * of the connection's own user.
 */
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

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TemporaryPasswordResponse } from '#shared/users';
import { signedIn } from '../server/test/support/auth.ts';
import { FRAILTY_BOARD, FRAILTY_TEAM, demo, type DemoUser } from './support/demoUsers.ts';
import { AdminTeamPage } from './support/pages/admin/AdminTeamPage.ts';
import { AdminUsersPage } from './support/pages/admin/AdminUsersPage.ts';
import { useScenario, textOf } from './support/scenario.ts';
import { BoardPage } from './support/pages/BoardPage.ts';
import { BoardsPage } from './support/pages/BoardsPage.ts';
import { SignInPage } from './support/pages/SignInPage.ts';

const DISCHARGE_TEAM = 'Riverside hospital discharge team';
const ORGANISATION = 'Riverside Community Health NHS Trust';

const suffix = (): string => randomUUID().slice(0, 8);

describe('admin pages', () => {
  const scenario = useScenario();
  const demoActor = (user: DemoUser) => scenario.signedIn(user);
  const freshActor = (name: string) => scenario.visitor(name);

  it('an admin adds a user to a team; with the temporary password they sign in, must change it, then see the board', async () => {
    const id = suffix();
    const newcomer = {
      name: `Sam Okoro ${id}`,
      email: `sam.okoro.${id}@riverside-community.example`,
      profession: 'Occupational therapist',
      organisation: ORGANISATION,
    };

    const admin = (await demoActor(demo.asha)).page;
    const users = new AdminUsersPage(admin);
    const temporaryPassword = await users.addUser(newcomer);
    expect(temporaryPassword.length).toBeGreaterThanOrEqual(10);
    await expect
      .poll(textOf(users.temporaryPasswordPanel()))
      .toContain('This password will not be shown again');
    await expect
      .poll(textOf(users.temporaryPasswordPanel()))
      .toContain('must change it when they first sign in');

    await users.open();
    await users.page.getByLabel('Find a user').fill(id);
    await expect.poll(() => admin.getByTestId('user-row').count()).toBe(1);
    await expect.poll(textOf(admin.getByTestId('user-row'))).toContain('Must change password');

    const team = new AdminTeamPage(admin);
    await team.openFromList(FRAILTY_TEAM.name);
    await team.addMember(newcomer.name, 'Member');
    await expect.poll(() => team.memberRole(newcomer.name).inputValue()).toBe('member');
    await expect.poll(textOf(team.status())).toContain(`${newcomer.name} added to ${FRAILTY_TEAM.name}`);

    // The newcomer, in their own browser: the temporary password signs them in, then must be replaced.
    const sam = (await freshActor(newcomer.name)).page;
    await sam.goto('/');
    await new SignInPage(sam).submit(newcomer.email, temporaryPassword);
    await sam.getByRole('heading', { level: 1, name: 'Change your password' }).waitFor();
    const ownPassword = `a long walk by the river ${id}`;
    await sam.getByLabel('Temporary password').fill(temporaryPassword);
    await sam.getByLabel('New password', { exact: true }).fill(ownPassword);
    await sam.getByLabel('Confirm new password').fill(ownPassword);
    await sam.getByRole('button', { name: 'Change password' }).click();

    // Once changed, they are taken to their boards, where the team's board is.
    await sam.getByRole('heading', { level: 1, name: 'Boards', exact: true }).waitFor();
    await new BoardsPage(sam).boardLink(FRAILTY_BOARD.name).click();
    const board = new BoardPage(sam);
    await board.heading(FRAILTY_BOARD.name).waitFor();
    await board.waitUntilLive();
    expect(await board.viewOnly().count()).toBe(0);

    // The admin's list now shows the password as changed.
    await users.open();
    await users.page.getByLabel('Find a user').fill(id);
    await expect.poll(() => admin.getByTestId('user-row').count()).toBe(1);
    expect(await admin.getByTestId('user-row').textContent()).not.toContain('Must change password');
  });

  it('a facilitator adds someone to their own team, sees only the teams they facilitate, and cannot open the users page', async () => {
    const id = suffix();
    const adminApi = await signedIn(scenario.server.url, demo.asha.email);
    const created = await adminApi.post<TemporaryPasswordResponse>('/api/users', {
      name: `Ola Bello ${id}`,
      email: `ola.bello.${id}@riverside-asc.example`,
      profession: 'Social worker',
      organisationId: null,
      role: null,
      managedTeamIds: [],
    });
    expect(created.status).toBe(201);
    const ola = created.body.user;

    const tom = (await demoActor(demo.tom)).page;
    await tom.getByRole('link', { name: 'Teams', exact: true }).click();
    await tom.getByRole('heading', { level: 1, name: 'Teams', exact: true }).waitFor();
    const team = new AdminTeamPage(tom);
    await team.teamLink(FRAILTY_TEAM.name).waitFor();
    expect(await team.teamLink(DISCHARGE_TEAM).count()).toBe(0);
    expect(await tom.getByRole('link', { name: 'Add a team' }).count()).toBe(0);

    await team.teamLink(FRAILTY_TEAM.name).click();
    await tom.getByRole('heading', { level: 1, name: FRAILTY_TEAM.name, exact: true }).waitFor();
    await team.addMember(ola.name, 'Viewer');
    await expect.poll(() => team.memberRole(ola.name).inputValue()).toBe('viewer');

    // The change is stored: a fresh load shows it, and so does the API.
    await tom.reload();
    await team.memberRow(ola.name).waitFor();
    await expect.poll(() => team.memberRole(ola.name).inputValue()).toBe('viewer');
    const detail = await adminApi.get<{ members: { userId: string; role: string }[] }>(
      `/api/teams/${FRAILTY_TEAM.id}`,
    );
    expect(detail.body.members.find((m) => m.userId === ola.id)?.role).toBe('viewer');

    await tom.goto('/admin/users');
    await tom.getByRole('heading', { level: 1, name: 'You do not have access to this page' }).waitFor();
    expect(await tom.getByTestId('user-row').count()).toBe(0);
  });
});

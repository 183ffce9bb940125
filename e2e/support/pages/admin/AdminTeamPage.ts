import type { Locator, Page } from 'playwright-core';

export type TeamRoleLabel = 'Facilitator' | 'Member' | 'Viewer';

/** One team's page at `/admin/teams/:id`: its members, adding one, and its boards. */
export class AdminTeamPage {
  constructor(readonly page: Page) {}

  /** Opens the team from the teams list, as someone following the header link would. */
  async openFromList(teamName: string): Promise<void> {
    await this.page.goto('/admin/teams');
    await this.page.getByRole('heading', { level: 1, name: 'Teams', exact: true }).waitFor();
    await this.teamLink(teamName).click();
    await this.page.getByRole('heading', { level: 1, name: teamName, exact: true }).waitFor();
  }

  teamLink(teamName: string): Locator {
    return this.page.getByRole('link', { name: teamName, exact: true });
  }

  memberRow(name: string): Locator {
    return this.page.getByTestId('member-row').filter({ hasText: name });
  }

  memberRole(name: string): Locator {
    return this.page.getByLabel(`Role of ${name}`, { exact: true });
  }

  status(): Locator {
    return this.page.getByTestId('team-status');
  }

  /** Narrows the people list by name, chooses the person and the role, and adds them. */
  async addMember(name: string, role: TeamRoleLabel): Promise<void> {
    const section = this.page.getByRole('region', { name: 'Add a member' });
    await section.getByLabel('Find a person').fill(name);
    const person = section.getByLabel('Person', { exact: true });
    const option = person.locator('option').filter({ hasText: name });
    await option.waitFor({ state: 'attached' });
    await person.selectOption({ label: (await option.textContent())?.trim() ?? name });
    await section.getByRole('radio', { name: role, exact: true }).check();
    await section.getByRole('button', { name: 'Add to team' }).click();
    await this.memberRow(name).waitFor();
  }
}

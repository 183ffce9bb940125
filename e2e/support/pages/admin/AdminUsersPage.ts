import type { Locator, Page } from 'playwright-core';

export interface NewUser {
  name: string;
  email: string;
  profession: string;
  organisation: string;
}

/** The users pages under `/admin/users`, as an admin sees them. */
export class AdminUsersPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/admin/users');
    await this.page.getByRole('heading', { level: 1, name: 'Users', exact: true }).waitFor();
  }

  userLink(name: string): Locator {
    return this.page.getByRole('link', { name, exact: true });
  }

  /** Adds a user with no global role and returns the temporary password shown once. */
  async addUser(user: NewUser): Promise<string> {
    await this.page.goto('/admin/users/new');
    await this.page.getByRole('heading', { level: 1, name: 'Add a user' }).waitFor();
    await this.page.getByLabel('Full name').fill(user.name);
    await this.page.getByLabel('Email address').fill(user.email);
    await this.page.getByLabel('Profession').fill(user.profession);
    await this.page.getByLabel('Organisation').selectOption({ label: user.organisation });
    await this.page.getByRole('radio', { name: 'No global role' }).check();
    await this.page.getByRole('button', { name: 'Add user' }).click();
    return this.temporaryPassword();
  }

  temporaryPasswordPanel(): Locator {
    return this.page.getByTestId('temporary-password-panel');
  }

  async temporaryPassword(): Promise<string> {
    const password = this.page.getByTestId('temporary-password');
    await password.waitFor();
    return ((await password.textContent()) ?? '').trim();
  }
}

import type { Locator, Page } from 'playwright-core';
import { DEMO_PASSWORD, type DemoUser } from '../demoUsers.ts';

/** The sign-in page at `/sign-in`, where every page that needs a session sends people. */
export class SignInPage {
  constructor(readonly page: Page) {}

  heading(): Locator {
    return this.page.getByRole('heading', { level: 1, name: 'Sign in to Huddle', exact: true });
  }

  /** Why the person is here (session ended, signed out), in the notification banner. */
  notice(): Locator {
    return this.page.getByTestId('sign-in-notice');
  }

  errorSummary(): Locator {
    return this.page.locator('.nhsuk-error-summary');
  }

  async open(): Promise<void> {
    await this.page.goto('/sign-in');
    await this.heading().waitFor();
  }

  /** Fills the form and submits it; waits for nothing (the caller knows where the app goes next). */
  async submit(email: string, password: string): Promise<void> {
    await this.heading().waitFor();
    await this.page.getByLabel('Email address', { exact: true }).fill(email);
    const passwordField = this.page.getByLabel('Password', { exact: true });
    await passwordField.fill(password);
    await passwordField.press('Enter');
  }

  /** Signs in as a demo user and waits until the app shows who is signed in. */
  async signInAs(user: DemoUser, password = DEMO_PASSWORD): Promise<void> {
    await this.submit(user.email, password);
    await this.page.getByTestId('signed-in-user').filter({ hasText: user.name }).waitFor();
  }
}

import type { Page } from 'playwright-core';

/** Answers "What is your name?" if the page asks (first visit in a fresh profile). */
export async function giveNameIfAsked(page: Page, name: string, ready: string): Promise<void> {
  const nameField = page.getByLabel('Your name', { exact: true });
  await nameField
    .or(page.getByRole('heading', { name: ready, exact: true }))
    .first()
    .waitFor();
  if (await nameField.isVisible()) {
    await nameField.fill(name);
    await page.getByRole('button', { name: 'Continue' }).click();
  }
}

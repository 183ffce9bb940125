import { chromium, type Browser, type BrowserContext, type LaunchOptions, type Page } from 'playwright-core';

/** Debian's Chromium, headless, with nothing reaching out to the network by itself. */
export function chromiumOptions(): LaunchOptions {
  return {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumOptions());
}

/** One person: a fresh browser profile (own cookies, so own session) with one page. */
export interface Actor {
  name: string;
  context: BrowserContext;
  page: Page;
  /** Another tab in the same profile (same session). */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function newActor(browser: Browser, baseURL: string, name: string): Promise<Actor> {
  const context = await browser.newContext({
    baseURL,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    viewport: { width: 1280, height: 900 },
  });
  const newPage = async (): Promise<Page> => {
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    return page;
  };
  const page = await newPage();
  return { name, context, page, newPage, close: () => context.close() };
}

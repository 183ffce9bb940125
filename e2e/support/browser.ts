import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type LaunchOptions, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`): the browser people use, which the benchmarks measure. */
const CHROMIUM = '/usr/bin/chromium';
/**
 * Debian's Chromium headless shell (`apt-get install chromium-headless-shell`): the same engine
 * (Blink, V8, the same version), without the full browser's window and UI layers it keeps running
 * with no screen. The browser tests use it when it is installed: a page costs Chromium about half
 * the CPU, and the browser tests are most of the suite's.
 */
const HEADLESS_SHELL = '/usr/bin/chromium-headless-shell';

/**
 * Features the full browser's headless mode switches off. Playwright's own list first (playwright-core's
 * `chromiumSwitches`: Chromium takes the last `--disable-features` it is given, so naming more here
 * replaces that list rather than adding to it); then the address bar's suggestion popups, WebUI pages
 * Chromium 156 loads with every new window, about 1.2 s of CPU in a renderer of their own and half a
 * second more in the browser's, in the first seconds of the window. A headless window has no address
 * bar to show them in, and on a two-core machine they would take a share of the cores from the page
 * being measured, in the very seconds a new profile's first view loads.
 */
const DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'WebUIOmniboxPopup',
  'WebUIOmniboxAimPopup',
];

/**
 * Debian's Chromium, headless, with nothing reaching out to the network by itself. `CHROMIUM_PATH`
 * names another; otherwise `headless-shell` asks for the headless shell where it is installed (the
 * browser tests), falling back to Chromium itself.
 */
export function chromiumOptions(kind: 'browser' | 'headless-shell' = 'browser'): LaunchOptions {
  const executablePath =
    process.env.CHROMIUM_PATH ??
    (kind === 'headless-shell' && existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : CHROMIUM);
  return {
    executablePath,
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
      `--disable-features=${DISABLED_FEATURES.join(',')}`,
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

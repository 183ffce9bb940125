/**
 * A board's view as this person last saw it, kept in the browser so that opening the board again
 * shows it at once: `index.html` draws it before the app's scripts have even loaded, inert and
 * marked "Opening", and the app takes its place once it has drawn the board itself (`revealApp`).
 *
 * Kept per page address in localStorage (read synchronously as the page is parsed), for one user,
 * for no longer than their session could last, and with the privacy screen as it was; forgotten
 * when the session ends or the person loses the board. `index.html` reads the same entries: the
 * key, the fields and the checks there must stay as they are here.
 */

const KEY_PREFIX = 'huddle-view:';
/** usePrivacyScreen's switch: a view kept with the screen off is not shown with it on, or the reverse. */
const PRIVACY_KEY = 'huddle:privacy-screen';
/** Views kept at most; the oldest is forgotten first. */
const MOST_VIEWS = 8;
/** Longest view kept, in characters (a view's first screen is far less: a long list keeps its first rows). */
const MOST_CHARS = 400_000;
/** Rows kept of a list marked `data-kept-rows` without a number. */
const ROWS_KEPT = 30;

export interface KeptView {
  v: 1;
  userId: string;
  /** When it is no longer shown (ms since the epoch): the session would have ended unused by then. */
  until: number;
  /** The page's stylesheets when it was kept: a view drawn by another version of the app is not shown. */
  styles: string;
  privacy: boolean;
  html: string;
  keptAt: number;
}

/** The stylesheets the page has, as `index.html` compares them. */
function stylesOf(doc: Document): string {
  return [...doc.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].map((l) => l.href).join(' ');
}

const OPENING_TAG =
  '<span class="nhsuk-u-visually-hidden">Connection: </span>' +
  '<strong class="nhsuk-tag nhsuk-tag--grey">Opening</strong>' +
  '<span class="nhsuk-body-s nhsuk-u-secondary-text-colour"> The board as you last saw it, while it loads</span>';

const FORM_CONTROLS = 'input, select, textarea';

/**
 * What the form controls of `app` show, written into their copies' attributes: the page's HTML holds
 * only what they started with (the app sets their values, not their attributes), so a goal's status
 * would show as its list's first and every box unticked. A list keeps only the options chosen: the
 * kept view cannot be used, and a board's hundred status lists would be most of what is kept.
 */
function keepWhatControlsShow(app: Element, copy: Element): void {
  const shown = app.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(
    FORM_CONTROLS,
  );
  const copies = copy.querySelectorAll(FORM_CONTROLS);
  shown.forEach((control, i) => {
    const copied = copies[i]!;
    if (control instanceof HTMLSelectElement) {
      const options = copied.querySelectorAll('option');
      [...control.options].forEach((option, j) => {
        if (option.selected) options[j]!.setAttribute('selected', '');
        else options[j]!.remove();
      });
    } else if (control instanceof HTMLTextAreaElement) {
      copied.textContent = control.value;
    } else if (control.type === 'checkbox' || control.type === 'radio') {
      copied.toggleAttribute('checked', control.checked);
    } else if (control.type !== 'password' && control.type !== 'file') {
      copied.setAttribute('value', control.value);
    }
  });
}

/**
 * The app's page as a kept view: what its form controls show, parts marked `data-kept-view="omit"`
 * and open dialogs left out, long lists cut to their first rows, the connection tag saying
 * "Opening", and nothing a test or a script finds as the app's own (ids and test ids renamed, so
 * nothing is found twice).
 */
export function keptHtml(app: Element): string {
  const copy = app.cloneNode(true) as Element;
  keepWhatControlsShow(app, copy);
  for (const omitted of copy.querySelectorAll('[data-kept-view="omit"], dialog, [role="dialog"]')) {
    omitted.remove();
  }
  for (const list of copy.querySelectorAll('[data-kept-rows]')) {
    const keep = Number(list.getAttribute('data-kept-rows')) || ROWS_KEPT;
    while (list.children.length > keep) list.lastElementChild!.remove();
  }
  const tag = copy.querySelector('[data-kept-view="opening"]');
  if (tag) {
    tag.innerHTML = OPENING_TAG;
    tag.removeAttribute('role');
    tag.removeAttribute('aria-live');
  }
  for (const element of copy.querySelectorAll('[id], [data-testid]')) {
    const testId = element.getAttribute('data-testid');
    if (testId !== null) {
      element.removeAttribute('data-testid');
      element.setAttribute('data-kept-testid', testId);
    }
    element.removeAttribute('id');
  }
  return copy.innerHTML;
}

/**
 * The same renaming as `keptHtml`, on the HTML the server draws a first view as (firstView.ts):
 * test ids become `data-kept-testid` and ids go. Vue writes every attribute value in double quotes
 * with any quote in it escaped, so an attribute is never found inside another or in text.
 */
export function keptMarkup(html: string): string {
  return html.replace(/ data-testid="/g, ' data-kept-testid="').replace(/ id="[^"]*"/g, '');
}

function keptKeys(): string[] {
  const keys: string[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key?.startsWith(KEY_PREFIX)) keys.push(key);
  }
  return keys;
}

function readKept(key: string): KeptView | null {
  try {
    const kept = JSON.parse(localStorage.getItem(key) ?? 'null') as KeptView | null;
    return kept && kept.v === 1 ? kept : null;
  } catch {
    return null;
  }
}

/**
 * Keeps what `app` shows as the view of `path` for this user, `until` their session could have ended
 * (unused from now, or at its end). A view too long, or storage that is full or switched off, keeps nothing.
 */
export function keepView(path: string, userId: string, until: number, app: Element): void {
  try {
    const html = keptHtml(app);
    if (html.length > MOST_CHARS) {
      localStorage.removeItem(KEY_PREFIX + path);
      return;
    }
    const now = Date.now();
    const kept: KeptView = {
      v: 1,
      userId,
      until,
      styles: stylesOf(app.ownerDocument),
      privacy: localStorage.getItem(PRIVACY_KEY) === 'on',
      html,
      keptAt: now,
    };
    const others = keptKeys()
      .filter((key) => key !== KEY_PREFIX + path)
      .map((key) => ({ key, kept: readKept(key) }))
      .sort((a, b) => (b.kept?.keptAt ?? 0) - (a.kept?.keptAt ?? 0));
    // Another person's views, and the oldest past the limit, go.
    for (const [i, other] of others.entries()) {
      if (!other.kept || other.kept.userId !== userId || i >= MOST_VIEWS - 1)
        localStorage.removeItem(other.key);
    }
    localStorage.setItem(KEY_PREFIX + path, JSON.stringify(kept));
  } catch {
    // Storage full or switched off: the board opens as it would without a kept view.
  }
}

/** Forgets the kept views: all of them, or those of one board's pages. */
export function forgetKeptViews(boardId?: string): void {
  try {
    const prefix = boardId === undefined ? KEY_PREFIX : `${KEY_PREFIX}/boards/${boardId}`;
    for (const key of keptKeys()) {
      const rest = key.slice(prefix.length);
      if (key.startsWith(prefix) && (boardId === undefined || rest === '' || rest.startsWith('/')))
        localStorage.removeItem(key);
    }
  } catch {
    // Storage switched off: nothing was kept.
  }
}

/** True while `index.html` shows a kept view in place of the app. */
export function showingKeptView(): boolean {
  return document.documentElement.classList.contains('huddle-kept-view');
}

let appHidden: { shown: Promise<void>; show: () => void } | null = null;

/**
 * Resolves once the app is in view: at once, or once it has taken a kept view's place. What scrolls to
 * or focuses an element as a page opens waits for it (the app draws out of sight until then, where
 * nothing can be scrolled to or focused). Never on the server, which only draws.
 */
export function appShown(): Promise<void> {
  if (import.meta.env.SSR) return new Promise<never>(() => {});
  if (!showingKeptView()) return Promise.resolve();
  if (!appHidden) {
    let show = (): void => {};
    const shown = new Promise<void>((resolve) => (show = resolve));
    appHidden = { shown, show };
  }
  return appHidden.shown;
}

/** The app takes the kept view's place (the app has drawn the board, or is showing something else). */
export function revealApp(): void {
  document.getElementById('kept-view')?.remove();
  document.documentElement.classList.remove('huddle-kept-view');
  appHidden?.show();
  appHidden = null;
}

/**
 * The requests a page's first view waits for, sent by a few lines in `index.html` while the app's own
 * code is still loading: the session, and for a board's address its snapshot and summary. The app
 * takes each answer up once, as if it had asked itself (`http.ts`), so a board's first view is drawn
 * about half a second sooner. They serve the page's first view only: the first navigation after it
 * forgets whatever was not taken, so nothing read then is ever mistaken for a later answer.
 */

declare global {
  interface Window {
    /** Set by `index.html`: a request path to the answer on its way. */
    huddleEarlyAnswers?: Record<string, Promise<Response>>;
  }
}

/** The answer to `GET path` sent before the app started, once; null when there is none (any more). */
export function takeEarlyAnswer(path: string): Promise<Response> | null {
  const answers = typeof window === 'undefined' ? undefined : window.huddleEarlyAnswers;
  if (!answers || !Object.hasOwn(answers, path)) return null;
  const answer = answers[path]!;
  delete answers[path];
  return answer;
}

/** Forgets the answers not taken: the page has moved on from the view they were for. */
export function forgetEarlyAnswers(): void {
  if (typeof window !== 'undefined') delete window.huddleEarlyAnswers;
}

import type { SessionAnswer } from './auth.ts';
import type { BoardMember, BoardSummary } from './boards.ts';
import type { BoardSnapshot } from './board/snapshot.ts';

/**
 * A board page's first view, drawn by the server: the client's `firstView.ts`, built for Node into
 * `dist/first-view` beside the client, draws the page as the app would from the answers the page
 * otherwise waits for; the server puts it in the page it sends, where `index.html` shows it as a
 * kept view until the app has drawn the board itself.
 */
export interface FirstViewAnswers {
  session: SessionAnswer;
  summary: BoardSummary;
  members: BoardMember[];
  snapshot: BoardSnapshot;
}

export interface DrawnFirstView {
  /** The app's page as drawn, marked up as a kept view (test ids and ids renamed). */
  html: string;
  /** The page's title, as the app sets it. */
  title: string;
}

/** What `dist/first-view/firstView.js` exports. */
export interface FirstViewModule {
  /** The page at `url` (a path and query), or null when it is not a board view drawn from a snapshot. */
  renderFirstView(url: string, answers: FirstViewAnswers): Promise<DrawnFirstView | null>;
}

/** The `<template>` element the server puts the drawn view in; `index.html` looks for it. */
export const FIRST_VIEW_ELEMENT_ID = 'huddle-first-view';

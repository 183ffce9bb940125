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

/**
 * One page to draw, as the server hands it to the drawing's worker thread: the page's address (a path
 * and query), the answers, and the snapshot as the JSON the server keeps of it (read in the worker).
 */
export interface FirstViewTask {
  url: string;
  answers: Omit<FirstViewAnswers, 'snapshot'>;
  snapshotJson: string;
}

/**
 * What `dist/first-view/firstView.js` exports by default, for a worker thread: the page drawn, or
 * null when it is not a board view drawn from a snapshot.
 */
export type DrawFirstView = (task: FirstViewTask) => Promise<DrawnFirstView | null>;

/**
 * The board pages whose first view is drawn, by address (a path and query; the board's id first): the
 * board's views whose first screen its snapshot holds whole (Handover, Actions, Goals, Pathway) and a
 * person's page. Not the meeting, the history or what changed, which wait for answers of their own.
 */
export const DRAWN_PAGE = /^\/boards\/([^/?#]+)(?:\/(?:actions|goals|pathway|people\/[^/?#]+))?\/?(?:\?.*)?$/;

/** The `<template>` element the server puts the drawn view in; `index.html` looks for it. */
export const FIRST_VIEW_ELEMENT_ID = 'huddle-first-view';

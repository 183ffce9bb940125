/**
 * What a board's long lists draw at once as a view opens, the rest following a few a painted frame
 * (`useProgressive`), and keep of the view as last seen (`data-kept-rows`, lib/board/keptViews.ts): a
 * tall screen's worth and no more, since every element drawn before the first paint is styled before
 * anything shows. At 1280 x 900 the first screen of the 300-person bench board shows three people of
 * the Handover (a person's row is about 85 px tall, below the meeting's panel), one person's goals
 * (250 to 700 px), and no action card (the filters come first; a card is about 280 px).
 */

/** People the Handover draws at once and keeps. */
export const HANDOVER_FIRST_PEOPLE = 10;
/** People whose goals the Goals view draws at once and keeps. */
export const GOALS_FIRST_PEOPLE = 6;
/** Cards a board's column (an Actions status, a Pathway stage) draws at once and keeps. */
export const COLUMN_FIRST_CARDS = 6;
/**
 * Cards a column adds after each painted frame once the first are drawn: as many as it drew at once
 * before its first part was cut to a screen's worth, so that the whole column comes no later.
 */
export const COLUMN_CARDS_PER_FRAME = 12;

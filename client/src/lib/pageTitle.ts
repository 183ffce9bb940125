/**
 * A page's title as the browser shows it: the page's own title (a route's `meta.title`), then, on a
 * board's pages, the board's name, then Huddle's. The app and the server's drawing of a board's first
 * view (firstView.ts) both title pages with it.
 */
export function pageTitle(title: unknown, boardName?: string): string {
  const own = typeof title === 'string' && title ? title : null;
  if (boardName) return `${own ? `${own}: ` : ''}${boardName} - Huddle`;
  return own ? `${own} - Huddle` : 'Huddle';
}

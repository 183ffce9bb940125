/**
 * What a route needs, read by the router guard (lib/routeAccess.ts). Routes without `public` need a
 * session. Admin pages set `admin` (admins only) or `facilitator` (admins and team facilitators).
 */
declare module 'vue-router' {
  interface RouteMeta {
    title?: string;
    /** Open without signing in (the sign-in page). */
    public?: boolean;
    /** Only for admins. */
    admin?: boolean;
    /** For admins and anyone who facilitates a team. */
    facilitator?: boolean;
    /** For admins, managers and anyone who facilitates a team: the progress page. */
    progress?: boolean;
    /** Uses the full width of the screen (boards with columns). */
    wide?: boolean;
    /** A board's page that shows before the board's document has loaded (a meeting's summary). */
    beforeDocument?: boolean;
  }
}

export {};

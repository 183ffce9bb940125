import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from './deps.ts';

/** Organisations, users, teams, memberships, the people directory and the audit export. */
export function registerAdminRoutes(app: FastifyInstance, deps: RouteDeps): void {
  void app;
  void deps;
}

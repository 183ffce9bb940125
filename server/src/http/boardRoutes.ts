import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from './deps.ts';

/** Boards: list, open, create from a pathway template, rename and change owning teams, members. */
export function registerBoardRoutes(app: FastifyInstance, deps: RouteDeps): void {
  void app;
  void deps;
}

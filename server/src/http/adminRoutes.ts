import type { FastifyInstance } from 'fastify';
import { auditExportQuery } from '#shared/audit';
import { createUserRequest, updateUserRequest } from '#shared/users';
import { membershipRequest, teamRequest } from '#shared/teams';
import { organisationRequest } from '#shared/organisations';
import { auditCsv, exportFilename } from '../audit/auditExport.ts';
import { OrganisationsRepository } from '../organisations/organisationsRepository.ts';
import { TeamAdmin } from '../teams/teamAdmin.ts';
import { TeamsRepository } from '../teams/teamsRepository.ts';
import { AdminUsersRepository } from '../users/adminUsersRepository.ts';
import { UserAdmin } from '../users/userAdmin.ts';
import { principalOf, requireAdmin } from './auth.ts';
import { unlessTaken } from '../refusal.ts';
import type { RouteDeps } from './deps.ts';
import { answer, HttpError, parseWith } from './errors.ts';
import { organisationParams, parseParams, teamMemberParams, teamParams, userParams } from './params.ts';

const DUPLICATE_ORGANISATION = 'There is already an organisation with that name';

/** Organisations, users, teams, memberships, the people directory and the audit export. */
export function registerAdminRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const organisations = new OrganisationsRepository(deps.db);
  const accounts = new AdminUsersRepository(deps.db);
  const teamsRepository = new TeamsRepository(deps.db);
  const users = new UserAdmin({
    accounts,
    users: deps.users,
    organisations,
    teams: teamsRepository,
    sessions: deps.sessions,
    throttle: deps.throttle,
    events: deps.events,
  });
  const teams = new TeamAdmin(teamsRepository, deps.users, deps.policy, deps.events);

  // Organisations: everyone signed in reads them (action owners name one); admins change them.
  app.get('/api/organisations', async () => organisations.list());

  app.post('/api/organisations', async (request, reply) => {
    requireAdmin(request);
    const body = parseWith(organisationRequest, request.body);
    return reply
      .status(201)
      .send(answer(await unlessTaken(() => organisations.create(body), 'name', DUPLICATE_ORGANISATION)));
  });

  app.patch('/api/organisations/:id', async (request) => {
    requireAdmin(request);
    const { id } = parseParams(organisationParams, request.params);
    const body = parseWith(organisationRequest, request.body);
    const organisation = answer(
      await unlessTaken(() => organisations.update(id, body), 'name', DUPLICATE_ORGANISATION),
    );
    if (!organisation) throw new HttpError(404, 'There is no organisation with that id');
    return organisation;
  });

  // The people directory: whom admins and facilitators can add to a team.
  app.get('/api/people-directory', async (request) => {
    const principal = principalOf(request);
    if (!deps.policy.isAdmin(principal) && !(await deps.policy.isFacilitator(principal)))
      throw new HttpError(403, 'Only admins and team facilitators can see the people directory');
    return accounts.directory();
  });

  // Users (admin).
  app.get('/api/users', async (request) => {
    requireAdmin(request);
    return accounts.list();
  });

  app.get('/api/users/:id', async (request) => {
    requireAdmin(request);
    return answer(await users.get(parseParams(userParams, request.params).id));
  });

  app.post('/api/users', async (request, reply) => {
    requireAdmin(request);
    const body = parseWith(createUserRequest, request.body);
    return reply.status(201).send(answer(await users.create(body)));
  });

  app.patch('/api/users/:id', async (request) => {
    const admin = requireAdmin(request);
    const { id } = parseParams(userParams, request.params);
    return answer(await users.update(admin, id, parseWith(updateUserRequest, request.body)));
  });

  app.post('/api/users/:id/reset-password', async (request) => {
    requireAdmin(request);
    return answer(await users.resetPassword(parseParams(userParams, request.params).id));
  });

  // Teams and their membership.
  app.get('/api/teams', async (request) => teams.list(principalOf(request)));

  app.post('/api/teams', async (request, reply) => {
    const admin = requireAdmin(request);
    const { name } = parseWith(teamRequest, request.body);
    return reply.status(201).send(answer(await teams.create(admin, name)));
  });

  app.get('/api/teams/:id', async (request) =>
    answer(await teams.detail(principalOf(request), parseParams(teamParams, request.params).id)),
  );

  app.patch('/api/teams/:id', async (request) => {
    const admin = requireAdmin(request);
    const { id } = parseParams(teamParams, request.params);
    const { name } = parseWith(teamRequest, request.body);
    return answer(await teams.rename(admin, id, name));
  });

  app.put('/api/teams/:id/members/:userId', async (request) => {
    const { id, userId } = parseParams(teamMemberParams, request.params);
    const { role } = parseWith(membershipRequest, request.body);
    return answer(await teams.setMember(principalOf(request), id, userId, role));
  });

  app.delete('/api/teams/:id/members/:userId', async (request) => {
    const { id, userId } = parseParams(teamMemberParams, request.params);
    return answer(await teams.removeMember(principalOf(request), id, userId));
  });

  // The audit trail as a spreadsheet, for information governance.
  app.get('/api/admin/audit.csv', async (request, reply) => {
    requireAdmin(request);
    const query = parseWith(auditExportQuery, request.query);
    const csv = auditCsv(deps.db, query, (error) =>
      request.log.error({ err: error }, 'the audit export stopped part way'),
    );
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${exportFilename(query)}"`)
      .header('cache-control', 'no-store')
      .send(csv);
  });
}

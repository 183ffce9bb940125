import { z } from 'zod';
import { GLOBAL_ROLES, type GlobalRole, type TeamRole } from './access.ts';
import { email, id, name } from './fields.ts';
import type { Organisation } from './organisations.ts';

/*
 * Users as the admin pages and team pages see them, and the admin's requests about them.
 */

export const PROFESSION_MAX = 80;

/** A user as the admin pages show it. `GET /api/users` (admin), item. */
export interface AdminUser {
  id: string;
  name: string;
  email: string;
  profession: string;
  organisation: Organisation | null;
  role: GlobalRole | null;
  active: boolean;
  mustChangePassword: boolean;
  /** Teams whose boards a manager sees, read-only. Empty for everyone else. */
  managedTeamIds: string[];
  teams: { id: string; name: string; role: TeamRole }[];
  createdAt: string;
}

/** Someone who can be added to a team: `GET /api/people-directory` (admins and facilitators). */
export interface DirectoryUser {
  id: string;
  name: string;
  profession: string;
  organisation: Organisation | null;
}

const userFields = {
  name: name('their full name'),
  email,
  profession: z
    .string({ error: 'Enter their profession' })
    .trim()
    .min(1, 'Enter their profession, like GP, OT or care coordinator')
    .max(PROFESSION_MAX, `Keep the profession to ${PROFESSION_MAX} characters or fewer`),
  organisationId: id.nullable(),
  role: z.enum(GLOBAL_ROLES, { error: 'Choose admin, manager or no global role' }).nullable(),
  managedTeamIds: z.array(id).max(200).default([]),
};

/** `POST /api/users` (admin). The answer carries a one-time temporary password. */
export const createUserRequest = z.object(userFields);
export type CreateUserRequest = z.input<typeof createUserRequest>;

/** `PATCH /api/users/:id` (admin): any subset of the fields, plus switching the account on or off. */
export const updateUserRequest = z
  .object({ ...userFields, managedTeamIds: z.array(id).max(200), active: z.boolean() })
  .partial();
export type UpdateUserRequest = z.infer<typeof updateUserRequest>;

/**
 * `POST /api/users` and `POST /api/users/:id/reset-password`: shown to the admin once, never stored
 * in the clear; the user must change it at first sign-in.
 */
export interface TemporaryPasswordResponse {
  user: AdminUser;
  temporaryPassword: string;
}

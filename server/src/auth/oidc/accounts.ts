import { randomUUID } from 'node:crypto';
import { email as emailSchema, NAME_MAX } from '#shared/fields';
import type { UserRow } from '../../db/schema.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { UsersRepository } from '../../users/usersRepository.ts';

/** What people read on the sign-in page when single sign-on does not sign them in. */
export const OidcMessages = {
  notFinished: 'Single sign-on did not finish. Try again.',
  expired: 'Single sign-on took too long to finish. Try again.',
  unavailable:
    'Single sign-on is not working at the moment. Try again in a few minutes, or sign in with your email address and password.',
  noEmail:
    'Your single sign-on account did not give Huddle an email address, so Huddle cannot tell who you are. Ask an admin.',
  emailNotVerified:
    'Your single sign-on service has not confirmed your email address, so Huddle cannot use it. Ask an admin.',
  deactivated: 'Your account has been switched off. Ask an admin.',
  noAccount: (email: string) => `There is no Huddle account for ${email}. Ask an admin to add you.`,
} as const;

/** A sign-on that ends on the sign-in page with a message for the person, and a reason in the log. */
export class SignOnRefused extends Error {
  constructor(
    readonly userMessage: string,
    readonly reason: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(reason);
  }
}

/** Who the provider says signed in. */
export interface OidcIdentity {
  subject: string;
  email: string;
  name: string;
}

export type Claims = Record<string, unknown>;

/** A claim's text, trimmed; undefined when it is not a non-empty string. */
export const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

function displayName(claims: Claims, email: string): string {
  const given = text(claims.given_name);
  const family = text(claims.family_name);
  const name =
    text(claims.name) ?? (given || family ? [given, family].filter(Boolean).join(' ') : email.split('@')[0]!);
  return name.slice(0, NAME_MAX);
}

/** The email (verified unless the provider does not say) and name from ID token or userinfo claims. */
export function identityFrom(subject: string, claims: Claims): OidcIdentity {
  const parsed = emailSchema.safeParse(claims.email);
  if (!parsed.success) {
    throw new SignOnRefused(OidcMessages.noEmail, 'no usable email claim', { subject, email: claims.email });
  }
  if (claims.email_verified === false || claims.email_verified === 'false') {
    throw new SignOnRefused(OidcMessages.emailNotVerified, 'email not verified', {
      subject,
      email: parsed.data,
    });
  }
  return { subject, email: parsed.data, name: displayName(claims, parsed.data) };
}

/**
 * The Huddle account for someone the provider has signed in: matched by email; created (no
 * organisation, role or teams) when unknown and provisioning is on; otherwise refused.
 */
export async function accountFor(
  deps: { db: Kysely<Database>; users: UsersRepository },
  identity: OidcIdentity,
  provision: boolean,
): Promise<{ user: UserRow; created: boolean }> {
  const existing = await deps.users.findByEmail(identity.email);
  if (existing) {
    if (!existing.active) {
      throw new SignOnRefused(OidcMessages.deactivated, 'account deactivated', { userId: existing.id });
    }
    return { user: existing, created: false };
  }
  if (!provision) {
    throw new SignOnRefused(OidcMessages.noAccount(identity.email), 'no account and provisioning is off', {
      email: identity.email,
    });
  }
  const inserted = await deps.db
    .insertInto('users')
    .values({
      id: randomUUID(),
      name: identity.name,
      email: identity.email,
      profession: 'Not set',
      organisation_id: null,
      role: null,
      password_hash: null,
      must_change_password: false,
    })
    // Two first sign-ins at once: the second uses the account the first created.
    .onConflict((oc) => oc.column('email').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { user: inserted, created: true };
  return accountFor(deps, identity, false);
}

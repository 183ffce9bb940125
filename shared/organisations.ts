import { z } from 'zod';
import { name } from './fields.ts';

/*
 * Organisations (agencies): an NHS trust, a GP practice, council social care, a voluntary body.
 */

export const ORGANISATION_KINDS = [
  'nhs_trust',
  'gp_practice',
  'council_social_care',
  'voluntary',
  'other',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export const ORGANISATION_KIND_LABELS: Record<OrganisationKind, string> = {
  nhs_trust: 'NHS trust',
  gp_practice: 'GP practice',
  council_social_care: 'Council social care',
  voluntary: 'Voluntary organisation',
  other: 'Other',
};

/** `GET /api/organisations` item. */
export interface Organisation {
  id: string;
  name: string;
  kind: OrganisationKind;
}

/** `POST /api/organisations`, `PATCH /api/organisations/:id` (admin). */
export const organisationRequest = z.object({
  name: name('the organisation name'),
  kind: z.enum(ORGANISATION_KINDS, { error: 'Choose what kind of organisation it is' }),
});
export type OrganisationRequest = z.infer<typeof organisationRequest>;

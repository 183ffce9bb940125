import type { ActionInput } from './action.ts';
import type { PersonInput } from './person.ts';
import type { Actor } from './record.ts';

/** Fixtures for the shared schema's tests: two clinicians from different organisations. */
export const priya: Actor = { id: 'user-priya', name: 'Priya Shah' };
export const tom: Actor = { id: 'user-tom', name: 'Dr Tom Reid' };

export const aPerson: PersonInput = {
  name: 'Margaret Ellis',
  nhsNumber: '943 476 5919',
  dateOfBirth: '1942-03-14',
  frailtyScore: 6,
  risk: 'red',
  riskReason: 'Two falls in a month',
  keyWorkerId: priya.id,
  keyWorkerName: priya.name,
  organisationIds: ['riverside-community', 'elm-tree-practice'],
};

export const anActionFor = (personId: string, owner: Actor = priya): ActionInput => ({
  title: 'Home visit to review falls risk',
  ownerId: owner.id!,
  ownerName: owner.name,
  ownerOrganisationId: 'riverside-community',
  dueDate: '2026-12-01',
  personId,
});

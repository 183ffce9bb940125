import { prepareTestTemplates } from './testDatabase.ts';

/** Once per run: the seeded database templates that each test's database is copied from. */
export default function setup(): Promise<() => Promise<void>> {
  return prepareTestTemplates();
}

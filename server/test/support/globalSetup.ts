import { prepareServerBundle } from './serverProcess.ts';
import { prepareTestTemplates } from './testDatabase.ts';

/**
 * Once per run: the seeded database templates that each test's database is copied from, and the
 * server bundle that server processes are started from.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const [removeTemplates, removeBundle] = await Promise.all([prepareTestTemplates(), prepareServerBundle()]);
  return async () => {
    await removeBundle();
    await removeTemplates();
  };
}

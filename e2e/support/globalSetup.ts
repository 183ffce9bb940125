import { buildClient } from './buildClient.ts';

/** Builds the client once per run, so the browser tests always drive the current code. */
export default async function setup(): Promise<void> {
  await buildClient();
}

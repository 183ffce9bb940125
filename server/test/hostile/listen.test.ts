import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { testDb } from '../support/boards.ts';
import { spawnServer } from '../support/server.ts';

/** This computer's address on its network (not loopback), if it has one. */
const networkAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal)?.address;

/** Whether a TCP connection to `host:port` is accepted. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** An empty database (so the server's first start is one), and HOST left unset (the spawn helper sets it otherwise). */
async function unsetHost() {
  const db = await testDb('empty');
  return { DATABASE_URL: db.databaseUrl, DATA_DIR: db.dataDir ?? undefined, HOST: undefined };
}

const DEMO_LOOPBACK = (port: number) =>
  `Huddle is listening on http://localhost:${port} (this computer only, because the demo sign-ins are public; set HOST=0.0.0.0 to serve your network)`;
const EVERYWHERE = (port: number) =>
  `Huddle is listening on http://localhost:${port} and on this computer's network addresses`;

describe('where Huddle listens without HOST', () => {
  it('serves the seeded demo to this computer only, on its first start and on later ones with SEED=false, until HOST says otherwise', async () => {
    const env = await unsetHost();
    const first = await spawnServer(env);
    expect(first.listening).toMatchObject({ msg: DEMO_LOOPBACK(first.port), host: '127.0.0.1' });
    expect((await fetch(`${first.url}/api/auth/options`)).status).toBe(200);
    if (networkAddress) expect(await reachable(networkAddress, first.port)).toBe(false);
    expect(await first.stop()).toBe(0);

    // The demo staff and their published password are still in the database.
    const later = await spawnServer({ ...env, SEED: 'false' });
    expect(later.listening).toMatchObject({ msg: DEMO_LOOPBACK(later.port), host: '127.0.0.1' });
    if (networkAddress) expect(await reachable(networkAddress, later.port)).toBe(false);
    expect(await later.stop()).toBe(0);

    // Asked for explicitly: the network is served, with a warning while the demo sign-ins work.
    const open = await spawnServer({ ...env, HOST: '0.0.0.0' });
    expect(open.listening).toMatchObject({ msg: EVERYWHERE(open.port), host: '0.0.0.0' });
    if (networkAddress) expect(await reachable(networkAddress, open.port)).toBe(true);
    expect(open.output.join('\n')).toMatch(/The demo sign-ins and their password are public/);
    // Three server processes started one after another, the first migrating and seeding an empty
    // database: about 5 s alone, and once over 30 s beside the rest of the suite on two cores.
  }, 60_000);

  it('serves a real installation (SEED=false, no demo staff) on every interface', async () => {
    const env = await unsetHost();
    const real = await spawnServer({ ...env, SEED: 'false' });
    expect(real.listening).toMatchObject({ msg: EVERYWHERE(real.port), host: '0.0.0.0' });
    expect((await fetch(`${real.url}/api/auth/options`)).status).toBe(200);
    if (networkAddress) expect(await reachable(networkAddress, real.port)).toBe(true);
    expect(real.output.join('\n')).not.toMatch(/demo sign-ins/);
  });

  it('does not start with a TRUST_PROXY it cannot read, and says what it takes', async () => {
    const env = await unsetHost();
    await expect(spawnServer({ ...env, TRUST_PROXY: 'yes' })).rejects.toThrow(
      /Huddle could not start: TRUST_PROXY must be false, a number of proxies in front of Huddle \(like 1\), or the addresses of those proxies/,
    );
  });
});

import net from 'node:net';

/**
 * A TCP relay on 127.0.0.1 in front of a server that is killed and started again: clients keep one
 * address while the server behind it changes port. While it is shut (the server is down, or not yet
 * to be reached), a connection is closed as soon as it arrives, which a client meets as a server
 * that is not up: it backs off and tries again. When the server dies, the relay closes every
 * connection through it, as the server's own end closing would.
 */
export class ClientGate {
  readonly #server: net.Server;
  readonly #open = new Set<net.Socket>();
  #target: number | null = null;

  private constructor(server: net.Server) {
    this.#server = server;
    server.on('connection', (socket) => this.#relay(socket));
  }

  static async listen(): Promise<ClientGate> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new ClientGate(server);
  }

  get port(): number {
    const address = this.#server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** Passes new connections to the server on `port`, or (null) closes them on arrival. */
  setTarget(port: number | null): void {
    this.#target = port;
  }

  async close(): Promise<void> {
    this.#target = null;
    for (const socket of this.#open) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #relay(client: net.Socket): void {
    if (this.#target === null) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.#target, '127.0.0.1');
    this.#open.add(client);
    this.#open.add(upstream);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      this.#open.delete(client);
      this.#open.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}

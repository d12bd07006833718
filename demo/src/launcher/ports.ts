import { createServer } from 'node:net';

/*
 * Ports on the loopback interface. Fixed ports (the shop's, the control API's, Pharos') are
 * checked before anything starts; all others are picked free by the OS. A port handed out is
 * never handed out again by the same allocator, so two parts cannot race for one.
 */

/** Hands out free loopback ports without repeats. */
export class PortAllocator {
  private readonly taken = new Set<number>();

  /** Marks `port` as used by a fixed assignment, so it is never handed out. */
  reserve(port: number): void {
    this.taken.add(port);
  }

  /** Returns a port that was free on 127.0.0.1 a moment ago and not handed out before. */
  async allocate(): Promise<number> {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const port = await findFreePort();
      if (!this.taken.has(port)) {
        this.taken.add(port);
        return port;
      }
    }
    throw new Error('could not find a free loopback port');
  }
}

/** Returns a port the OS reports free on 127.0.0.1 (listens on port 0 and closes). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** Resolves true when nothing listens on 127.0.0.1:`port` (we could bind it), false when it is taken. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(false);
      else reject(error);
    });
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Checks every fixed port at once and throws one error naming each one taken, with the
 * option that moves it (e.g. "port 8080 (shop frontend) is in use; choose another with --frontend-port").
 */
export async function assertPortsFree(ports: ReadonlyArray<{ port: number; what: string; option: string }>): Promise<void> {
  const problems: string[] = [];
  const seen = new Map<number, string>();
  for (const { port, what, option } of ports) {
    const other = seen.get(port);
    if (other) problems.push(`port ${port} is given to both ${other} and ${what}; choose another with ${option}`);
    seen.set(port, what);
  }
  const free = await Promise.all(ports.map(({ port }) => isPortFree(port)));
  ports.forEach(({ port, what, option }, index) => {
    if (!free[index]) problems.push(`port ${port} (${what}) is already in use; stop what uses it or choose another with ${option}`);
  });
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

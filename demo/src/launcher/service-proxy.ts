import { createConnection, createServer, type Server, type Socket } from 'node:net';

/*
 * The stable address of one service. Callers are configured with this port once, at their
 * start; the service's processes come and go behind it (a rolling deploy starts the new one
 * on another port, switches the target, then stops the old one), as a Kubernetes Service
 * would hide pods. It forwards bytes only: no HTTP, nothing of it shows in telemetry.
 */

/** A TCP forwarder on 127.0.0.1 whose target can be switched. */
export interface ServiceProxy {
  readonly port: number;
  /** Sends new connections to 127.0.0.1:`port`; existing ones stay where they are. */
  setTarget(port: number): void;
  /** Cuts the connections forwarded to `port` (after its process stopped). */
  dropConnectionsTo(port: number): void;
  /** Stops listening and cuts every connection. */
  close(): Promise<void>;
}

/** Starts a forwarder listening on 127.0.0.1:`port` with no target (connections are refused until setTarget). */
export async function startServiceProxy(port: number): Promise<ServiceProxy> {
  let targetPort: number | undefined;
  const pairs = new Map<Socket, { upstream: Socket; targetPort: number }>();

  const server: Server = createServer((client) => {
    if (targetPort === undefined) {
      client.destroy();
      return;
    }
    const pairTarget = targetPort;
    const upstream = createConnection({ host: '127.0.0.1', port: pairTarget });
    pairs.set(client, { upstream, targetPort: pairTarget });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const closeBoth = (): void => {
      pairs.delete(client);
      client.destroy();
      upstream.destroy();
    };
    // An end from one side is passed on as an end; any error or close tears down both.
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
    client.pipe(upstream);
    upstream.pipe(client);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    port,
    setTarget(port: number): void {
      targetPort = port;
    },
    dropConnectionsTo(port: number): void {
      for (const [client, pair] of pairs) {
        if (pair.targetPort !== port) continue;
        pairs.delete(client);
        client.destroy();
        pair.upstream.destroy();
      }
    },
    close(): Promise<void> {
      targetPort = undefined;
      for (const [client, pair] of pairs) {
        client.destroy();
        pair.upstream.destroy();
      }
      pairs.clear();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

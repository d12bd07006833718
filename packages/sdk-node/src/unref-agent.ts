import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';

/**
 * HTTP agents whose sockets never keep the process alive. An export stuck on an endpoint
 * that does not answer must not hold up an application that has finished its work: with
 * ordinary sockets, a short job would wait for the exporter's timeout at exit, or forever
 * when a metric export starts before the previous one times out.
 */
class UnrefHttpAgent extends http.Agent {
  override createConnection(...args: Parameters<http.Agent['createConnection']>): Duplex | null | undefined {
    return unref(super.createConnection(...args));
  }
  // The stock agent refs a socket it takes from its pool, after the rest of its bookkeeping
  // (it removes the 'error' listener it added when pooling the socket, and marks the request
  // as reused): keep all that, then unreference the socket again.
  override reuseSocket(socket: Duplex, request: http.ClientRequest): void {
    super.reuseSocket(socket, request);
    unref(socket);
  }
}

/** The same for https endpoints. */
class UnrefHttpsAgent extends https.Agent {
  override createConnection(...args: Parameters<https.Agent['createConnection']>): Duplex | null | undefined {
    return unref(super.createConnection(...args));
  }
  override reuseSocket(socket: Duplex, request: http.ClientRequest): void {
    super.reuseSocket(socket, request);
    unref(socket);
  }
}

function unref<T>(socket: T): T {
  (socket as { unref?: () => void } | null | undefined)?.unref?.();
  return socket;
}

/** The OTLP exporters' agent factory (`httpAgentOptions`): keep-alive, unreferenced sockets. */
export function createUnrefAgent(protocol: string): http.Agent {
  return protocol === 'https:' ? new UnrefHttpsAgent({ keepAlive: true }) : new UnrefHttpAgent({ keepAlive: true });
}

import amqp, { type ChannelModel } from 'amqplib';
import { delay, type ServiceRuntime } from './lifecycle.js';
import { createRateLimitedLog } from './logger.js';

/** The durable topic exchange order events are published to. */
export const ordersExchange = 'orders';
/** Routing key of the event published once an order is paid. */
export const orderPlacedRoutingKey = 'order.placed';

/** A broker connection kept open for the life of the service. */
export interface AmqpLink {
  /** Resolves once `setup` succeeded for the first time. */
  readonly firstReady: Promise<void>;
}

/**
 * Connects to the broker at `url` and calls `setup` with each new connection (to open channels,
 * declare topology, start consumers). When the connection drops or cannot be opened it retries
 * every 1-5 s, forever; failures are logged at warn, at most every 10 s. Closed at shutdown.
 */
export function maintainAmqpConnection(
  runtime: ServiceRuntime,
  url: string,
  setup: (connection: ChannelModel) => Promise<void>,
): AmqpLink {
  const { logger } = runtime;
  const logFailure = createRateLimitedLog(10_000);
  let current: ChannelModel | undefined;
  let stopping = false;
  let markReady: () => void = () => undefined;
  const firstReady = new Promise<void>((resolve) => (markReady = resolve));

  const connectLoop = async (): Promise<void> => {
    for (let attempt = 1; !stopping; attempt += 1) {
      let connection: ChannelModel | undefined;
      try {
        connection = await amqp.connect(withHeartbeat(url), { timeout: 3_000, clientProperties: { connection_name: runtime.name } });
        connection.on('error', (error: Error) => logger.warn({ err: error }, 'message broker connection error'));
        await setup(connection);
        current = connection;
        logger.info({ attempt }, 'connected to message broker');
        markReady();
        connection.once('close', () => {
          current = undefined;
          if (stopping) return;
          logger.warn('message broker connection closed, reconnecting');
          void delay(1_000).then(connectLoop);
        });
        return;
      } catch (error) {
        await connection?.close().catch(() => undefined);
        logFailure((suppressed) => logger.warn({ err: error, attempt, suppressed }, 'cannot connect to message broker, retrying'));
        await delay(Math.min(1_000 * attempt, 5_000));
      }
    }
  };

  runtime.onShutdown('message broker connection', async () => {
    stopping = true;
    await current?.close().catch(() => undefined);
  });
  void connectLoop();
  return { firstReady };
}

// Heartbeats let us notice a dead broker within seconds instead of at the next publish.
function withHeartbeat(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', '10');
  return parsed.toString();
}

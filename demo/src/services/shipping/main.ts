/**
 * shipping: schedules a shipment for every paid order. Consumes `order.placed` from the topic
 * exchange `orders` through the durable queue `shipping.order-placed` and writes the `shipments`
 * table of the `orders` database. A message that fails twice goes to the dead-letter queue
 * `shipping.order-placed.dead`.
 *
 * GET /healthz only when PORT is set. Ready once consuming.
 * Env: DATABASE_URL, AMQP_URL, PORT (optional), LOG_LEVEL.
 */
import type { Channel, ConsumeMessage } from 'amqplib';
import {
  cacheRenderedResponse,
  createPool,
  createServiceApp,
  finishServiceApp,
  maintainAmqpConnection,
  orderPlacedRoutingKey,
  ordersExchange,
  prepareSchema,
  readPortEnv,
  readRequiredEnv,
  resolveRequestContext,
  sendReady,
  serveHttp,
  startServiceRuntime,
  type PoolClient,
} from '../shared/index.js';

/** The part of the `order.placed` event shipping needs. */
interface OrderPlaced {
  orderId: string;
  items: Array<{ sku: string; quantity: number }>;
}

const queueName = 'shipping.order-placed';
const deadLetterExchange = 'orders.dead-letter';
const deadLetterQueue = 'shipping.order-placed.dead';
const prefetchMessages = 10;
const carriers = ['UPS', 'FedEx', 'DHL'];

const runtime = startServiceRuntime('shipping');
const { logger } = runtime;
const port = readPortEnv('PORT', { required: false });
const env = readRequiredEnv(['DATABASE_URL', 'AMQP_URL']);
const pool = createPool(runtime, env.DATABASE_URL, { statementTimeoutMs: 5_000 });

async function migrateShipments(client: PoolClient): Promise<void> {
  await client.query(`
    CREATE TABLE IF NOT EXISTS shipments (
      id              bigserial PRIMARY KEY,
      order_id        text NOT NULL UNIQUE,
      status          text NOT NULL DEFAULT 'scheduled',
      carrier         text NOT NULL,
      tracking_number text NOT NULL,
      units           integer NOT NULL,
      ship_by         date NOT NULL,
      created_at      timestamptz NOT NULL DEFAULT now()
    )`);
}

/** Parses and checks an `order.placed` body; throws a SyntaxError or TypeError when malformed. */
function parseOrderPlaced(content: Buffer): OrderPlaced {
  const event = JSON.parse(content.toString('utf8')) as Partial<OrderPlaced>;
  if (typeof event.orderId !== 'string' || !Array.isArray(event.items)) throw new TypeError('order.placed without orderId or items');
  return { orderId: event.orderId, items: event.items };
}

function createTrackingNumber(carrier: string): string {
  const digits = Array.from({ length: 12 }, () => Math.floor(Math.random() * 10)).join('');
  return `${carrier.slice(0, 2).toUpperCase()}${digits}`;
}

async function scheduleShipment(event: OrderPlaced): Promise<void> {
  const carrier = carriers[Math.floor(Math.random() * carriers.length)];
  const units = event.items.reduce((sum, item) => sum + (Number(item.quantity) || 0), 0);
  const { rows } = await pool.query<{ tracking_number: string; inserted: boolean }>(
    `INSERT INTO shipments (order_id, carrier, tracking_number, units, ship_by)
     VALUES ($1, $2, $3, $4, current_date + 2)
     ON CONFLICT (order_id) DO UPDATE SET order_id = EXCLUDED.order_id
     RETURNING tracking_number, (xmax = 0) AS inserted`,
    [event.orderId, carrier, createTrackingNumber(carrier), units],
  );
  if (rows[0].inserted) logger.info({ orderId: event.orderId, carrier, trackingNumber: rows[0].tracking_number, units }, 'shipment scheduled');
  else logger.info({ orderId: event.orderId }, 'shipment already scheduled, redelivery ignored');
}

// After the channel closed (broker restart) ack and nack throw; the broker redelivers anyway.
function settleMessage(settle: () => void, orderId: string | undefined): void {
  try {
    settle();
  } catch (error) {
    logger.warn({ err: error, orderId }, 'could not settle message, the broker will redeliver it');
  }
}

async function handleMessage(channel: Channel, message: ConsumeMessage): Promise<void> {
  let event: OrderPlaced;
  try {
    event = parseOrderPlaced(message.content);
  } catch (error) {
    logger.error({ err: error, messageId: message.properties.messageId }, 'malformed order.placed message, dead-lettering');
    settleMessage(() => channel.nack(message, false, false), undefined);
    return;
  }
  try {
    resolveRequestContext(runtime.name, message.properties.headers?.['x-edge-region'] as string | undefined);
    cacheRenderedResponse(runtime.name, `order.placed ${event.orderId}`);
    await scheduleShipment(event);
  } catch (error) {
    // One retry for transient failures; a second failure dead-letters instead of looping.
    const requeue = !message.fields.redelivered;
    logger.error({ err: error, orderId: event.orderId, requeue }, requeue ? 'could not schedule shipment, retrying' : 'could not schedule shipment, dead-lettering');
    settleMessage(() => channel.nack(message, false, requeue), event.orderId);
    return;
  }
  settleMessage(() => channel.ack(message), event.orderId);
}

await prepareSchema(runtime, pool, 'shipments-schema', migrateShipments);

const broker = maintainAmqpConnection(runtime, env.AMQP_URL, async (connection) => {
  const channel = await connection.createChannel();
  channel.on('error', (error: Error) => logger.warn({ err: error }, 'message channel error'));
  await channel.prefetch(prefetchMessages);
  await channel.assertExchange(ordersExchange, 'topic', { durable: true });
  await channel.assertExchange(deadLetterExchange, 'topic', { durable: true });
  await channel.assertQueue(deadLetterQueue, { durable: true });
  await channel.bindQueue(deadLetterQueue, deadLetterExchange, orderPlacedRoutingKey);
  await channel.assertQueue(queueName, { durable: true, deadLetterExchange });
  await channel.bindQueue(queueName, ordersExchange, orderPlacedRoutingKey);
  await channel.consume(queueName, (message) => {
    if (message) void handleMessage(channel, message);
  });
});

let boundPort: number | undefined;
if (port !== undefined) {
  const app = createServiceApp(runtime);
  finishServiceApp(app, runtime);
  boundPort = await serveHttp(runtime, app, port);
}
await broker.firstReady;
logger.info({ queue: queueName, prefetch: prefetchMessages }, 'consuming');
sendReady(boundPort);

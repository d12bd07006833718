/**
 * order: turns a cart into a paid order. PostgreSQL (database `orders`, tables `orders` and
 * `order_lines`) and RabbitMQ (publishes `order.placed` to the topic exchange `orders`).
 *
 * POST /orders {sessionId, email, card: {type, number | last4}}
 *   201 {orderId, status: 'paid', totalCents, currency, total}
 *   400 empty cart or invalid body · 402 card declined · 409 out of stock or product gone
 *   502/503/504 a dependency failed (payment processor error, unreachable, timed out)
 * GET  /orders/:id   the order with its lines, 404 when unknown
 * Env: PORT, DATABASE_URL, AMQP_URL, CART_URL, CATALOG_URL, INVENTORY_URL, PAYMENT_URL, LOG_LEVEL.
 */
import { randomUUID } from 'node:crypto';
import type { ConfirmChannel } from 'amqplib';
import {
  HttpError,
  UpstreamError,
  createPool,
  createServiceApp,
  delay,
  finishServiceApp,
  maintainAmqpConnection,
  mapUpstreamStatus,
  orderPlacedRoutingKey,
  ordersExchange,
  prepareSchema,
  readPortEnv,
  readRequiredEnv,
  readStringField,
  requestJson,
  runInTransaction,
  sendReady,
  serveHttp,
  startServiceRuntime,
  trimBaseUrl,
  type PoolClient,
} from '../shared/index.js';

interface CartLine {
  productId: number;
  quantity: number;
}

interface CatalogProduct {
  id: number;
  sku: string;
  name: string;
  priceCents: number;
  currency: string;
}

interface OrderLine {
  productId: number;
  sku: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
}

interface Card {
  type: string;
  last4: string;
}

/** The body of the `order.placed` event. */
interface OrderPlacedEvent {
  orderId: string;
  email: string;
  items: OrderLine[];
  totalCents: number;
  currency: string;
  placedAt: string;
}

const cardTypes = ['visa', 'mastercard', 'amex'];
// Payment may legitimately be slow at peak; give it time before giving up on the charge.
const paymentTimeoutMs = 10_000;
const serviceTimeoutMs = 3_000;
// Inventory statements time out after 5 s each on the database side.
const inventoryTimeoutMs = 8_000;
const publishTimeoutMs = 5_000;

const runtime = startServiceRuntime('order');
const { logger } = runtime;
const port = readPortEnv('PORT', { required: true }) ?? 0;
const env = readRequiredEnv(['DATABASE_URL', 'AMQP_URL', 'CART_URL', 'CATALOG_URL', 'INVENTORY_URL', 'PAYMENT_URL']);
const cartUrl = trimBaseUrl(env.CART_URL);
const catalogUrl = trimBaseUrl(env.CATALOG_URL);
const inventoryUrl = trimBaseUrl(env.INVENTORY_URL);
const paymentUrl = trimBaseUrl(env.PAYMENT_URL);

const pool = createPool(runtime, env.DATABASE_URL, { statementTimeoutMs: 5_000 });

let publishChannel: ConfirmChannel | undefined;
const broker = maintainAmqpConnection(runtime, env.AMQP_URL, async (connection) => {
  const channel = await connection.createConfirmChannel();
  channel.on('error', (error: Error) => logger.warn({ err: error }, 'message channel error'));
  channel.once('close', () => {
    if (publishChannel === channel) publishChannel = undefined;
  });
  await channel.assertExchange(ordersExchange, 'topic', { durable: true });
  publishChannel = channel;
});

async function migrateOrders(client: PoolClient): Promise<void> {
  await client.query(`
    CREATE TABLE IF NOT EXISTS orders (
      id             text PRIMARY KEY,
      session_id     text NOT NULL,
      email          text NOT NULL,
      status         text NOT NULL CHECK (status IN ('paid', 'payment_failed')),
      total_cents    integer NOT NULL,
      currency       char(3) NOT NULL,
      card_type      text NOT NULL,
      card_last4     char(4) NOT NULL,
      charge_id      text,
      failure_reason text,
      created_at     timestamptz NOT NULL DEFAULT now()
    )`);
  await client.query('CREATE INDEX IF NOT EXISTS orders_created_at_idx ON orders (created_at)');
  await client.query('CREATE INDEX IF NOT EXISTS orders_session_id_idx ON orders (session_id)');
  await client.query(`
    CREATE TABLE IF NOT EXISTS order_lines (
      order_id         text NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
      line_no          integer NOT NULL,
      product_id       integer NOT NULL,
      sku              text NOT NULL,
      name             text NOT NULL,
      quantity         integer NOT NULL CHECK (quantity > 0),
      unit_price_cents integer NOT NULL,
      PRIMARY KEY (order_id, line_no)
    )`);
}

function parseCard(body: unknown): Card {
  const card = body && typeof body === 'object' ? (body as { card?: unknown }).card : undefined;
  if (!card || typeof card !== 'object') throw new HttpError(400, 'card is required', 'bad_request');
  const type = readStringField(card, 'type', { maxLength: 16 }).toLowerCase();
  if (!cardTypes.includes(type)) throw new HttpError(400, `card.type must be one of ${cardTypes.join(', ')}`, 'bad_request');
  const { number, last4 } = card as { number?: unknown; last4?: unknown };
  if (typeof number === 'string') {
    const digits = number.replace(/[\s-]/g, '');
    if (!/^\d{12,19}$/.test(digits)) throw new HttpError(400, 'card.number must have 12 to 19 digits', 'bad_request');
    return { type, last4: digits.slice(-4) };
  }
  if (typeof last4 === 'string' && /^\d{4}$/.test(last4)) return { type, last4 };
  throw new HttpError(400, 'card.number is required', 'bad_request');
}

function formatMajorUnits(amountCents: number): number {
  return Math.round(amountCents) / 100;
}

async function insertOrder(
  order: { id: string; sessionId: string; email: string; status: 'paid' | 'payment_failed'; totalCents: number; currency: string; card: Card; chargeId?: string; failureReason?: string },
  lines: OrderLine[],
): Promise<void> {
  await runInTransaction(pool, async (client) => {
    await client.query(
      `INSERT INTO orders (id, session_id, email, status, total_cents, currency, card_type, card_last4, charge_id, failure_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [order.id, order.sessionId, order.email, order.status, order.totalCents, order.currency, order.card.type, order.card.last4, order.chargeId ?? null, order.failureReason ?? null],
    );
    for (const [index, line] of lines.entries()) {
      await client.query(
        'INSERT INTO order_lines (order_id, line_no, product_id, sku, name, quantity, unit_price_cents) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [order.id, index + 1, line.productId, line.sku, line.name, line.quantity, line.unitPriceCents],
      );
    }
  });
}

async function publishOrderPlaced(event: OrderPlacedEvent): Promise<void> {
  const channel = publishChannel;
  if (!channel) throw new Error('message broker unavailable: no open channel');
  const content = Buffer.from(JSON.stringify(event));
  const confirmed = new Promise<void>((resolve, reject) => {
    channel.publish(ordersExchange, orderPlacedRoutingKey, content, {
      persistent: true,
      contentType: 'application/json',
      messageId: event.orderId,
      timestamp: Math.floor(Date.now() / 1000),
      type: orderPlacedRoutingKey,
    }, (error: unknown) => (error ? reject(error instanceof Error ? error : new Error('message nacked by broker')) : resolve()));
  });
  await Promise.race([
    confirmed,
    delay(publishTimeoutMs).then(() => Promise.reject(new Error(`broker did not confirm within ${publishTimeoutMs} ms`))),
  ]);
}

async function releaseReservation(orderId: string): Promise<void> {
  try {
    await requestJson({ upstream: 'inventory', method: 'POST', url: `${inventoryUrl}/reservations/${encodeURIComponent(orderId)}/release`, timeoutMs: inventoryTimeoutMs });
  } catch (error) {
    // The stock stays held; worth an alert, but the customer's answer does not change.
    logger.error({ err: error, orderId }, 'could not release inventory reservation');
  }
}

await prepareSchema(runtime, pool, 'orders-schema', migrateOrders);

const app = createServiceApp(runtime);

app.post('/orders', async (req, res) => {
  const sessionId = readStringField(req.body, 'sessionId', { maxLength: 128 });
  const email = readStringField(req.body, 'email', { maxLength: 254 });
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new HttpError(400, 'email is not a valid address', 'bad_request');
  const card = parseCard(req.body);
  const orderId = randomUUID();

  const cart = await requestJson<{ items: CartLine[] }>({ upstream: 'cart', url: `${cartUrl}/carts/${encodeURIComponent(sessionId)}`, timeoutMs: serviceTimeoutMs });
  if (cart.items.length === 0) throw new HttpError(400, 'cart is empty', 'empty_cart');

  const ids = cart.items.map((line) => line.productId).join(',');
  const catalog = await requestJson<{ items: CatalogProduct[] }>({ upstream: 'catalog', url: `${catalogUrl}/products?ids=${ids}`, timeoutMs: serviceTimeoutMs });
  const productsById = new Map(catalog.items.map((product) => [product.id, product]));
  const lines: OrderLine[] = cart.items.map((line) => {
    const product = productsById.get(line.productId);
    if (!product) throw new HttpError(409, `product ${line.productId} is no longer sold`, 'product_unavailable');
    return { productId: product.id, sku: product.sku, name: product.name, quantity: line.quantity, unitPriceCents: product.priceCents };
  });
  const currency = productsById.get(lines[0].productId)?.currency ?? 'USD';
  const totalCents = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);

  try {
    await requestJson({
      upstream: 'inventory',
      method: 'POST',
      url: `${inventoryUrl}/reservations`,
      body: { orderId, items: lines.map((line) => ({ sku: line.sku, quantity: line.quantity })) },
      timeoutMs: inventoryTimeoutMs,
    });
  } catch (error) {
    if (error instanceof UpstreamError && error.status === 409) throw new HttpError(409, error.upstreamMessage ?? 'out of stock', 'out_of_stock');
    throw error;
  }

  let chargeId: string;
  try {
    const charge = await requestJson<{ chargeId: string }>({
      upstream: 'payment',
      method: 'POST',
      url: `${paymentUrl}/charges`,
      body: { orderId, amountCents: totalCents, currency, card },
      timeoutMs: paymentTimeoutMs,
    });
    chargeId = charge.chargeId;
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    const declined = error.status === 402;
    const reason = error.upstreamMessage ?? error.message;
    await releaseReservation(orderId);
    await insertOrder({ id: orderId, sessionId, email, status: 'payment_failed', totalCents, currency, card, failureReason: reason }, lines);
    const details = { orderId, totalCents, currency, cardType: card.type, reason };
    if (declined) {
      logger.warn(details, 'payment declined');
      res.status(402).json({ error: `payment declined: ${reason}`, code: 'payment_declined', orderId });
    } else {
      logger.error({ ...details, err: error, paymentStatus: error.status, failure: error.kind }, 'payment failed');
      res.status(mapUpstreamStatus(error)).json({ error: `payment failed: ${reason}`, code: 'payment_failed', orderId });
    }
    return;
  }

  await insertOrder({ id: orderId, sessionId, email, status: 'paid', totalCents, currency, card, chargeId }, lines);
  logger.info({ orderId, totalCents, currency, lines: lines.length, chargeId }, 'order placed');

  try {
    await publishOrderPlaced({ orderId, email, items: lines, totalCents, currency, placedAt: new Date().toISOString() });
  } catch (error) {
    logger.error({ err: error, orderId }, 'could not publish order.placed; shipment will not be scheduled');
  }
  try {
    await requestJson({ upstream: 'cart', method: 'DELETE', url: `${cartUrl}/carts/${encodeURIComponent(sessionId)}`, timeoutMs: serviceTimeoutMs });
  } catch (error) {
    logger.warn({ err: error, orderId }, 'could not clear the cart after checkout');
  }
  res.status(201).json({ orderId, status: 'paid', totalCents, currency, total: formatMajorUnits(totalCents) });
});

app.get('/orders/:id', async (req, res) => {
  const orderId = req.params.id;
  const { rows } = await pool.query<{
    id: string; email: string; status: string; total_cents: number; currency: string; card_type: string; card_last4: string; failure_reason: string | null; created_at: Date;
  }>('SELECT id, email, status, total_cents, currency, card_type, card_last4, failure_reason, created_at FROM orders WHERE id = $1', [orderId]);
  if (rows.length === 0) throw new HttpError(404, `order ${orderId} not found`, 'not_found');
  const order = rows[0];
  const lines = await pool.query<{ product_id: number; sku: string; name: string; quantity: number; unit_price_cents: number }>(
    'SELECT product_id, sku, name, quantity, unit_price_cents FROM order_lines WHERE order_id = $1 ORDER BY line_no',
    [orderId],
  );
  res.json({
    orderId: order.id,
    email: order.email,
    status: order.status,
    totalCents: order.total_cents,
    currency: order.currency,
    total: formatMajorUnits(order.total_cents),
    card: { type: order.card_type, last4: order.card_last4 },
    failureReason: order.failure_reason ?? undefined,
    createdAt: order.created_at.toISOString(),
    items: lines.rows.map((line) => ({ productId: line.product_id, sku: line.sku, name: line.name, quantity: line.quantity, unitPriceCents: line.unit_price_cents })),
  });
});

finishServiceApp(app, runtime);

// Orders can be taken without the broker (events are then lost and logged), but it normally
// comes up alongside us: give it a moment before serving.
const brokerReady = await Promise.race([broker.firstReady.then(() => true), delay(15_000).then(() => false)]);
if (!brokerReady) logger.warn('message broker not reachable yet, serving anyway');
sendReady(await serveHttp(runtime, app, port));

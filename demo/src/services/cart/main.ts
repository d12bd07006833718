/**
 * cart: shopping carts in Redis, one hash per cart (`cart:<id>`, product id → quantity),
 * expiring 7 days after the last change.
 *
 * GET    /carts/:id                    {id, items: [{productId, quantity}]} (empty when unknown)
 * POST   /carts/:id/items {productId, quantity}   adds to the line; 200 with the cart
 * PUT    /carts/:id/items/:productId {quantity}   sets the line (0 removes it); 200 with the cart
 * DELETE /carts/:id                    empties the cart; 204
 * 503 whenever Redis is unreachable; the service recovers by itself when Redis returns.
 * Env: PORT, REDIS_URL, LOG_LEVEL.
 */
import { Redis } from 'ioredis';
import type { Request } from 'express';
import {
  HttpError,
  createRateLimitedLog,
  createServiceApp,
  delay,
  finishServiceApp,
  readIntegerField,
  readPortEnv,
  readRequiredEnv,
  sendReady,
  serveHttp,
  startServiceRuntime,
} from '../shared/index.js';

interface CartLine {
  productId: number;
  quantity: number;
}

const cartTtlSeconds = 7 * 24 * 3600;
const maxQuantityPerLine = 20;
const maxLinesPerCart = 50;

const runtime = startServiceRuntime('cart');
const { logger } = runtime;
const port = readPortEnv('PORT', { required: true }) ?? 0;
const env = readRequiredEnv(['REDIS_URL']);

// While Redis is away a command waits at most for one reconnect attempt (~1 s) and then
// fails, so callers get a 503 within a second or two instead of commands piling up; the
// client keeps reconnecting in the background forever. (The offline queue stays on: with
// it off, ioredis rejects a command before its client span can be ended, and the failing
// Redis call would be missing from the trace.)
const redis = new Redis(env.REDIS_URL, {
  enableOfflineQueue: true,
  maxRetriesPerRequest: 1,
  connectTimeout: 1_000,
  commandTimeout: 1_000,
  retryStrategy: () => 500,
  connectionName: 'cart',
});
const logConnectionError = createRateLimitedLog(10_000);
let redisWasLost = false;
redis.on('error', (error: Error) => {
  redisWasLost = true;
  logConnectionError((suppressed) => logger.warn({ err: error, suppressed }, 'redis connection error'));
});
redis.on('ready', () => {
  if (redisWasLost) logger.info('redis connection restored');
  redisWasLost = false;
});
runtime.onShutdown('redis connection', async () => {
  await redis.quit().catch(() => redis.disconnect());
});

function readCartId(req: Request): string {
  const id = String(req.params.id);
  if (!/^[\w-]{1,128}$/.test(id)) throw new HttpError(400, 'cart id must be 1-128 letters, digits, _ or -', 'bad_request');
  return id;
}

function cartKey(cartId: string): string {
  return `cart:${cartId}`;
}

/** Runs a Redis command, turning an unavailable Redis into a 503 (logged by the error handler). */
async function runRedis<T>(what: string, command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (error) {
    // The cause's message goes into ours; its stack (ioredis internals) says nothing more.
    throw new HttpError(503, `cart store unavailable: ${what} failed: ${(error as Error).message}`, 'cart_store_unavailable');
  }
}

async function readCart(cartId: string): Promise<{ id: string; items: CartLine[] }> {
  const fields = await runRedis('HGETALL', () => redis.hgetall(cartKey(cartId)));
  const items = Object.entries(fields)
    .map(([productId, quantity]) => ({ productId: Number(productId), quantity: Number(quantity) }))
    .filter((line) => Number.isInteger(line.productId) && line.quantity > 0)
    .sort((left, right) => left.productId - right.productId);
  return { id: cartId, items };
}

const app = createServiceApp(runtime);

app.get('/carts/:id', async (req, res) => {
  res.json(await readCart(readCartId(req)));
});

app.post('/carts/:id/items', async (req, res) => {
  const cartId = readCartId(req);
  const productId = readIntegerField(req.body, 'productId', { min: 1, max: 2_147_483_647 });
  const quantity = readIntegerField(req.body, 'quantity', { min: 1, max: maxQuantityPerLine });
  const key = cartKey(cartId);
  const lines = await runRedis('HLEN', () => redis.hlen(key));
  if (lines >= maxLinesPerCart) {
    const existing = await runRedis('HEXISTS', () => redis.hexists(key, String(productId)));
    if (!existing) throw new HttpError(409, `a cart holds at most ${maxLinesPerCart} products`, 'cart_full');
  }
  const results = await runRedis('MULTI', () => redis.multi().hincrby(key, String(productId), quantity).expire(key, cartTtlSeconds).exec());
  const newQuantity = Number(results?.[0]?.[1] ?? quantity);
  if (newQuantity > maxQuantityPerLine) {
    await runRedis('HSET', () => redis.hset(key, String(productId), maxQuantityPerLine));
  }
  res.json(await readCart(cartId));
});

app.put('/carts/:id/items/:productId', async (req, res) => {
  const cartId = readCartId(req);
  const productId = readIntegerField(req.params, 'productId', { min: 1, max: 2_147_483_647 });
  const quantity = readIntegerField(req.body, 'quantity', { min: 0, max: maxQuantityPerLine });
  const key = cartKey(cartId);
  if (quantity === 0) await runRedis('HDEL', () => redis.hdel(key, String(productId)));
  else await runRedis('MULTI', () => redis.multi().hset(key, String(productId), quantity).expire(key, cartTtlSeconds).exec());
  res.json(await readCart(cartId));
});

app.delete('/carts/:id', async (req, res) => {
  await runRedis('DEL', () => redis.del(cartKey(readCartId(req))));
  res.status(204).end();
});

finishServiceApp(app, runtime);

// Start even without Redis (it may come up later), but give it a moment to connect first.
await Promise.race([new Promise((resolve) => redis.once('ready', resolve)), delay(3_000)]);
if (redis.status !== 'ready') logger.warn({ status: redis.status }, 'redis not ready yet, serving anyway');
sendReady(await serveHttp(runtime, app, port));

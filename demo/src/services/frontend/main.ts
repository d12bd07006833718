/**
 * frontend: the web store (server-rendered HTML) and the JSON API the load generator uses.
 * Calls catalog, cart and order. The session is the `x-session-id` header or the `sid` cookie;
 * one is created (cookie and response header) when neither is present.
 *
 * HTML: GET / (?category=&page=) · GET /products/:id · GET /search?q= · GET /cart ·
 *       POST /cart/items · POST /cart/items/:productId · GET|POST /checkout · GET /orders/:id
 * JSON: GET /api/categories · GET /api/products?category=&page=&pageSize= · GET /api/products/:id ·
 *       GET /api/search?q= · GET /api/cart · POST /api/cart/items {productId, quantity} ·
 *       PUT /api/cart/items/:productId {quantity} · POST /api/checkout {email, card: {type, number}}
 *       → 201 {orderId, status, total, totalCents, currency} · GET /api/orders/:id
 * Downstream failures answer 502 (error), 503 (unreachable or unavailable) or 504 (timed out).
 * Env: PORT, CATALOG_URL, CART_URL, ORDER_URL, LOG_LEVEL.
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import {
  HttpError,
  UpstreamError,
  createRateLimitedLog,
  createServiceApp,
  finishServiceApp,
  mapUpstreamStatus,
  readIntegerField,
  readPortEnv,
  readRequiredEnv,
  readStringField,
  sendReady,
  serveHttp,
  startServiceRuntime,
  trimBaseUrl,
} from '../shared/index.js';
import {
  renderCart,
  renderCategory,
  renderCheckout,
  renderErrorBody,
  renderHome,
  renderOrder,
  renderPage,
  renderPlaceholderImage,
  renderProduct,
  renderSearch,
} from './html.js';
import { createShopClient, type CategorySummary, type PricedCart } from './shop-client.js';

const sessionCookie = 'sid';
const sessionMaxAgeMs = 7 * 24 * 3600 * 1000;
const homeProductsPerCategory = 4;
const categoryPageSize = 12;
// The category list changes with a deploy, not per request.
const categoriesTtlMs = 60_000;

const runtime = startServiceRuntime('frontend');
const { logger } = runtime;
const port = readPortEnv('PORT', { required: true }) ?? 0;
const env = readRequiredEnv(['CATALOG_URL', 'CART_URL', 'ORDER_URL']);
const shop = createShopClient({ catalog: trimBaseUrl(env.CATALOG_URL), cart: trimBaseUrl(env.CART_URL), order: trimBaseUrl(env.ORDER_URL) });

let cachedCategories: { categories: CategorySummary[]; fetchedAtMs: number } | undefined;
const logDegraded = createRateLimitedLog(10_000);

async function readCategories(): Promise<CategorySummary[]> {
  if (cachedCategories && Date.now() - cachedCategories.fetchedAtMs < categoriesTtlMs) return cachedCategories.categories;
  try {
    const categories = await shop.listCategories();
    cachedCategories = { categories, fetchedAtMs: Date.now() };
    return categories;
  } catch (error) {
    if (!cachedCategories) throw error;
    logDegraded((suppressed) => logger.warn({ err: error, suppressed }, 'categories unavailable, serving the cached list'));
    return cachedCategories.categories;
  }
}

// The header's cart count is a nicety: pages still render while the cart is unavailable.
async function readCartCount(sessionId: string): Promise<number | undefined> {
  try {
    return await shop.countCartItems(sessionId);
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    logDegraded((suppressed) => logger.warn({ err: error, suppressed }, 'cart unavailable, rendering pages without the cart count'));
    return undefined;
  }
}

function readSessionId(res: Response): string {
  return res.locals.sessionId as string;
}

function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of header?.split(';') ?? []) {
    const separator = part.indexOf('=');
    if (separator <= 0) continue;
    try {
      cookies.set(part.slice(0, separator).trim(), decodeURIComponent(part.slice(separator + 1).trim()));
    } catch {
      // A malformed cookie from some other site on the domain is ignored, not fatal.
    }
  }
  return cookies;
}

function attachSession(req: Request, res: Response, next: NextFunction): void {
  const isValid = (value: string | undefined): value is string => !!value && /^[\w-]{1,128}$/.test(value);
  const fromHeader = req.get('x-session-id');
  const fromCookie = parseCookies(req.get('cookie')).get(sessionCookie);
  let sessionId = isValid(fromHeader) ? fromHeader : isValid(fromCookie) ? fromCookie : undefined;
  if (!sessionId) {
    sessionId = randomUUID();
    res.cookie(sessionCookie, sessionId, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: sessionMaxAgeMs });
  }
  res.setHeader('x-session-id', sessionId);
  res.locals.sessionId = sessionId;
  next();
}

async function sendPage(res: Response, title: string, body: string, options: { status?: number; query?: string } = {}): Promise<void> {
  const [categories, cartItemCount] = await Promise.all([readCategories(), readCartCount(readSessionId(res))]);
  res.status(options.status ?? 200).type('html').send(renderPage(title, body, { categories, cartItemCount, query: options.query }));
}

function readPage(req: Request): number {
  return req.query.page === undefined ? 1 : readIntegerField(req.query, 'page', { min: 1, max: 10_000 });
}

function readProductId(value: unknown): number {
  return readIntegerField({ productId: value }, 'productId', { min: 1, max: 2_147_483_647 });
}

function readCheckoutCard(body: unknown): { type: string; number: string } {
  const card = body && typeof body === 'object' ? (body as { card?: unknown }).card : undefined;
  if (!card || typeof card !== 'object') throw new HttpError(400, 'card is required', 'bad_request');
  return { type: readStringField(card, 'type', { maxLength: 16 }), number: readStringField(card, 'number', { maxLength: 32 }) };
}

const app = createServiceApp(runtime);

app.get('/favicon.ico', (_req, res) => {
  res.status(204).end();
});

app.get('/static/img/:file', (req, res) => {
  const match = /^([A-Z]{3}-\d{4})\.svg$/.exec(req.params.file);
  if (!match) throw new HttpError(404, 'image not found', 'not_found');
  res.type('image/svg+xml').set('cache-control', 'public, max-age=86400').send(renderPlaceholderImage(match[1]));
});

app.use(attachSession);

// JSON API

app.get('/api/categories', async (_req, res) => {
  res.json(await readCategories());
});

app.get('/api/products', async (req, res) => {
  const category = typeof req.query.category === 'string' && req.query.category !== '' ? req.query.category : undefined;
  const pageSize = req.query.pageSize === undefined ? categoryPageSize : readIntegerField(req.query, 'pageSize', { min: 1, max: 48 });
  res.json(await shop.listProducts({ category, page: readPage(req), pageSize }));
});

app.get('/api/products/:id', async (req, res) => {
  res.json(await shop.fetchProduct(readProductId(req.params.id)));
});

app.get('/api/search', async (req, res) => {
  const query = typeof req.query.q === 'string' ? req.query.q.trim() : '';
  if (query === '') throw new HttpError(400, 'q is required', 'bad_request');
  res.json(await shop.searchProducts(query));
});

app.get('/api/cart', async (_req, res) => {
  res.json(await shop.fetchCart(readSessionId(res)));
});

app.post('/api/cart/items', async (req, res) => {
  const productId = readProductId((req.body as { productId?: unknown } | undefined)?.productId);
  const quantity = readIntegerField(req.body, 'quantity', { min: 1, max: 20 });
  res.status(201).json(await shop.addCartItem(readSessionId(res), productId, quantity));
});

app.put('/api/cart/items/:productId', async (req, res) => {
  const quantity = readIntegerField(req.body, 'quantity', { min: 0, max: 20 });
  res.json(await shop.setCartItemQuantity(readSessionId(res), readProductId(req.params.productId), quantity));
});

app.post('/api/checkout', async (req, res) => {
  const email = readStringField(req.body, 'email', { maxLength: 254 });
  const order = await shop.placeOrder(readSessionId(res), email, readCheckoutCard(req.body));
  res.status(201).json({ orderId: order.orderId, status: order.status, total: order.total, totalCents: order.totalCents, currency: order.currency });
});

app.get('/api/orders/:id', async (req, res) => {
  res.json(await shop.fetchOrder(req.params.id));
});

// HTML store

app.get('/', async (req, res) => {
  const category = typeof req.query.category === 'string' && req.query.category !== '' ? req.query.category : undefined;
  if (category) {
    const page = readPage(req);
    const listing = await shop.listProducts({ category, page, pageSize: categoryPageSize });
    const pageCount = Math.ceil(listing.total / categoryPageSize);
    await sendPage(res, category, renderCategory(category, listing.items, page, pageCount));
    return;
  }
  const categories = await readCategories();
  const sections = await Promise.all(
    categories.map(async ({ category: name }) => ({ category: name, products: (await shop.listProducts({ category: name, pageSize: homeProductsPerCategory })).items })),
  );
  await sendPage(res, 'Home', renderHome(sections));
});

app.get('/products/:id', async (req, res) => {
  const product = await shop.fetchProduct(readProductId(req.params.id));
  await sendPage(res, product.name, renderProduct(product));
});

app.get('/search', async (req, res) => {
  const query = typeof req.query.q === 'string' ? req.query.q.trim() : '';
  if (query === '') {
    res.redirect(303, '/');
    return;
  }
  await sendPage(res, `Search: ${query}`, renderSearch(await shop.searchProducts(query)), { query });
});

app.get('/cart', async (_req, res) => {
  await sendPage(res, 'Cart', renderCart(await shop.fetchCart(readSessionId(res))));
});

app.post('/cart/items', async (req, res) => {
  const productId = readProductId((req.body as { productId?: unknown } | undefined)?.productId);
  const quantity = readIntegerField(req.body, 'quantity', { min: 1, max: 20 });
  await shop.addCartItem(readSessionId(res), productId, quantity);
  res.redirect(303, '/cart');
});

app.post('/cart/items/:productId', async (req, res) => {
  const quantity = readIntegerField(req.body, 'quantity', { min: 0, max: 20 });
  await shop.setCartItemQuantity(readSessionId(res), readProductId(req.params.productId), quantity);
  res.redirect(303, '/cart');
});

app.get('/checkout', async (_req, res) => {
  await sendPage(res, 'Checkout', renderCheckout(await shop.fetchCart(readSessionId(res)), {}));
});

app.post('/checkout', async (req, res) => {
  const sessionId = readSessionId(res);
  const form = req.body as { email?: unknown; cardType?: unknown; cardNumber?: unknown } | undefined;
  const email = typeof form?.email === 'string' ? form.email.trim() : '';
  const cardType = typeof form?.cardType === 'string' ? form.cardType : 'visa';
  const cardNumber = typeof form?.cardNumber === 'string' ? form.cardNumber : '';
  try {
    const order = await shop.placeOrder(sessionId, email, { type: cardType, number: cardNumber });
    res.redirect(303, `/orders/${encodeURIComponent(order.orderId)}`);
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    const status = mapUpstreamStatus(error);
    if (status >= 500) logger.error({ err: error, upstream: error.upstream, upstreamStatus: error.status, failure: error.kind }, 'checkout failed');
    const message = status >= 500 ? 'We could not place your order right now. Your card was not charged; please try again.' : (error.upstreamMessage ?? 'We could not place your order.');
    let cart: PricedCart;
    try {
      cart = await shop.fetchCart(sessionId);
    } catch {
      cart = { items: [], itemCount: 0, subtotalCents: 0, currency: 'USD' };
    }
    await sendPage(res, 'Checkout', renderCheckout(cart, { email, cardType, error: message }), { status });
  }
});

app.get('/orders/:id', async (req, res) => {
  const order = await shop.fetchOrder(req.params.id);
  await sendPage(res, 'Order confirmation', renderOrder(order));
});

finishServiceApp(app, runtime, (_req, res, status, message) => {
  // No further calls while rendering an error: use what is cached.
  const categories = cachedCategories?.categories ?? [];
  const shown = status >= 500 ? `The shop is having trouble right now (error ${status}). Please try again in a moment.` : message;
  res.status(status).type('html').send(renderPage(status === 404 ? 'Not found' : 'Error', renderErrorBody(status, shown), { categories }));
});

sendReady(await serveHttp(runtime, app, port));

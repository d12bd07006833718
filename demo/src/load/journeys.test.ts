import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_TYPE_WEIGHTS, JOURNEY_WEIGHTS, pickCard, pickJourneyKind, pickWeighted, readProducts, type JourneyKind } from './journeys.js';
import { startLoad } from './load-generator.js';

// mulberry32: a seeded source so the mix is checked on the same draws every run.
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the journey mix', () => {
  it('has weights summing to 1, with 30-40% of journeys ending in a checkout', () => {
    const total = Object.values(JOURNEY_WEIGHTS).reduce((sum, weight) => sum + weight, 0);
    expect(total).toBeCloseTo(1, 10);
    expect(JOURNEY_WEIGHTS.checkout).toBeGreaterThanOrEqual(0.3);
    expect(JOURNEY_WEIGHTS.checkout).toBeLessThanOrEqual(0.4);
  });

  it('picks kinds in proportion to their weights', () => {
    const random = createRandom(42);
    const counts = new Map<JourneyKind, number>();
    const draws = 20_000;
    for (let index = 0; index < draws; index += 1) {
      const kind = pickJourneyKind(random);
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    for (const [kind, weight] of Object.entries(JOURNEY_WEIGHTS)) {
      expect((counts.get(kind as JourneyKind) ?? 0) / draws).toBeCloseTo(weight, 1);
    }
  });

  it('pays 50/35/15 with visa, mastercard and amex test numbers', () => {
    expect(CARD_TYPE_WEIGHTS).toEqual({ visa: 0.5, mastercard: 0.35, amex: 0.15 });
    const random = createRandom(7);
    const counts: Record<string, number> = {};
    for (let index = 0; index < 20_000; index += 1) {
      const card = pickCard(random);
      counts[card.type] = (counts[card.type] ?? 0) + 1;
      expect(card.number).toMatch(card.type === 'amex' ? /^3[47]\d{13}$/ : /^\d{16}$/);
    }
    expect(counts.visa / 20_000).toBeCloseTo(0.5, 1);
    expect(counts.mastercard / 20_000).toBeCloseTo(0.35, 1);
    expect(counts.amex / 20_000).toBeCloseTo(0.15, 1);
  });

  it('pickWeighted respects the boundaries', () => {
    const entries: Array<[string, number]> = [
      ['a', 1],
      ['b', 3],
    ];
    expect(pickWeighted(entries, () => 0)).toBe('a');
    expect(pickWeighted(entries, () => 0.2499)).toBe('a');
    expect(pickWeighted(entries, () => 0.25)).toBe('b');
    expect(pickWeighted(entries, () => 0.999999)).toBe('b');
  });
});

describe('readProducts', () => {
  it('reads {items} and {products}, skipping malformed entries', () => {
    expect(readProducts({ items: [{ id: 3, name: 'Copper Skillet' }, { id: 'x' }, null, { id: 0 }] })).toEqual([{ id: 3, name: 'Copper Skillet' }]);
    expect(readProducts({ products: [{ id: 9 }] })).toEqual([{ id: 9, name: undefined }]);
    expect(readProducts('nope')).toEqual([]);
    expect(readProducts(undefined)).toEqual([]);
  });
});

describe('startLoad against a fake shop', () => {
  let server: Server | undefined;

  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  interface SeenRequest {
    method: string;
    path: string;
    sessionId: string | undefined;
    body: unknown;
  }

  async function startFakeShop(options: { delayMs?: number; checkoutStatus?: number } = {}): Promise<{ url: string; seen: SeenRequest[] }> {
    const seen: SeenRequest[] = [];
    const products = Array.from({ length: 12 }, (_, index) => ({ id: index + 1, name: `Walnut Desk Lamp ${index}`, priceCents: 1999, category: 'home-office' }));
    const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      const url = new URL(request.url ?? '/', 'http://shop');
      seen.push({ method: request.method ?? '', path: url.pathname, sessionId: request.headers['x-session-id'] as string | undefined, body: text ? JSON.parse(text) : undefined });
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      const send = (status: number, body: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      if (url.pathname === '/api/categories') send(200, [{ category: 'home-office', productCount: 12 }]);
      else if (url.pathname === '/api/products' || url.pathname === '/api/search') send(200, { items: products });
      else if (url.pathname.startsWith('/api/products/')) send(200, products[0]);
      else if (url.pathname === '/api/cart/items') send(201, { items: [] });
      else if (url.pathname === '/api/cart') send(200, { items: [] });
      else if (url.pathname === '/api/checkout') send(options.checkoutStatus ?? 201, { orderId: 'o-1', total: '19.99' });
      else send(404, { error: 'no route' });
    };
    server = createServer((request, response) => void handle(request, response));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
  }

  it('runs journeys as sessions and checks out with a card', async () => {
    const shop = await startFakeShop();
    const load = startLoad({ targetUrl: shop.url, journeysPerSecond: 60, durationMs: 1_500, thinkTimeMs: { min: 0, max: 2 }, random: createRandom(1) });
    await load.finished;
    const stats = load.readStats();
    expect(stats.journeys.started).toBeGreaterThan(40);
    expect(stats.journeys.started).toBeLessThan(160);
    expect(stats.journeys.completed).toBe(stats.journeys.started);
    expect(stats.requests.errors).toBe(0);
    expect(stats.checkouts.ok).toBeGreaterThan(0);
    expect(stats.checkouts.failed).toBe(0);
    const checkouts = shop.seen.filter((request) => request.path === '/api/checkout');
    expect(checkouts.length).toBe(stats.checkouts.ok);
    for (const checkout of checkouts) {
      expect(checkout.body).toMatchObject({ email: expect.stringMatching(/@example\.com$/), card: { type: expect.stringMatching(/^(visa|mastercard|amex)$/), number: expect.any(String) } });
      // Every checkout follows an add to cart of the same session.
      const added = shop.seen.filter((request) => request.sessionId === checkout.sessionId && request.path === '/api/cart/items');
      expect(added.length).toBeGreaterThan(0);
      expect(added[0].body).toMatchObject({ productId: expect.any(Number), quantity: expect.any(Number) });
    }
    expect(shop.seen.every((request) => request.sessionId && /^[\w-]{8,128}$/.test(request.sessionId))).toBe(true);
    expect(stats.endpoints.map((endpoint) => endpoint.endpoint)).toContain('GET /api/products/:id');
  });

  it('counts failed checkouts and error statuses', async () => {
    const shop = await startFakeShop({ checkoutStatus: 502 });
    const load = startLoad({ targetUrl: shop.url, journeysPerSecond: 60, durationMs: 1_000, thinkTimeMs: { min: 0, max: 1 }, random: createRandom(2) });
    await load.finished;
    const stats = load.readStats();
    expect(stats.checkouts.ok).toBe(0);
    expect(stats.checkouts.failed).toBeGreaterThan(0);
    expect(stats.requests.errorsByStatus['502']).toBe(stats.checkouts.failed);
  });

  it('skips arrivals beyond the journeys in flight it allows, and stops at once', async () => {
    const shop = await startFakeShop({ delayMs: 5_000 });
    const load = startLoad({ targetUrl: shop.url, journeysPerSecond: 100, maxInFlightJourneys: 3, random: createRandom(3) });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const during = load.readStats();
    expect(during.journeys.inFlight).toBe(3);
    expect(during.journeys.skipped).toBeGreaterThan(10);
    const stopStartedAt = Date.now();
    await load.stop();
    expect(Date.now() - stopStartedAt).toBeLessThan(1_000);
    const after = load.readStats();
    expect(after.journeys.inFlight).toBe(0);
    // Requests cut by the stop are not the shop's errors.
    expect(after.requests.errors).toBe(0);
    expect(shop.seen.length).toBe(3);
  });

  it('times requests out and counts them', async () => {
    const shop = await startFakeShop({ delayMs: 2_000 });
    const load = startLoad({ targetUrl: shop.url, journeysPerSecond: 20, durationMs: 300, requestTimeoutMs: 100, thinkTimeMs: { min: 0, max: 1 }, random: createRandom(4) });
    await load.finished;
    const stats = load.readStats();
    expect(stats.requests.errorsByStatus.timeout).toBeGreaterThan(0);
    expect(stats.requests.errors).toBe(stats.requests.total);
    expect(shop.seen.length).toBeGreaterThan(0);
  });
});

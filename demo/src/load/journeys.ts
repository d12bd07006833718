import { randomUUID } from 'node:crypto';
import type { LoadStats } from './load-stats.js';

/*
 * What shoppers do. Each journey is one session (its own `x-session-id`, browser and edge
 * region) that walks through the shop's JSON API with short think times between steps. About
 * a third of journeys end in a checkout: enough orders for payment to matter at the rate of a
 * small demo, as in a shop's peak hour.
 */

/** The kinds of journey, each a typical visit. */
export type JourneyKind = 'browse' | 'search' | 'view-product' | 'abandon-cart' | 'checkout';

/** How often each journey kind is picked (weights sum to 1). */
export const JOURNEY_WEIGHTS: Readonly<Record<JourneyKind, number>> = {
  browse: 0.25,
  search: 0.2,
  'view-product': 0.12,
  'abandon-cart': 0.08,
  checkout: 0.35,
};

/** Card types shoppers pay with, by share of checkouts. */
export const CARD_TYPE_WEIGHTS: Readonly<Record<'visa' | 'mastercard' | 'amex', number>> = { visa: 0.5, mastercard: 0.35, amex: 0.15 };

// Test card numbers of each network: they pass a Luhn check and charge nobody.
const cardNumbers: Record<string, readonly string[]> = {
  visa: ['4111111111111111', '4012888888881881', '4242424242424242'],
  mastercard: ['5555555555554444', '5105105105105100', '2223003122003222'],
  amex: ['378282246310005', '371449635398431'],
};

/** What people type into the search box: product words, a few with typos, some that match nothing. */
export const SEARCH_TERMS: readonly string[] = [
  'skillet', 'cast iron skillet', 'chef knife', 'cutting board', 'saucepan', 'copper',
  'tent', 'backpack', 'sleeping bag', 'headlamp', 'waterproof', 'ultralight tent',
  'headphones', 'wireless headphones', 'noise cancelling', 'speaker', 'charger', 'keyboard',
  'cookbook', 'field guide', 'atlas', 'novel', 'hardcover',
  'jacket', 'merino sweater', 'scarf', 't-shirt', 'linen', 'fleece',
  'desk lamp', 'monitor stand', 'office chair', 'notebook', 'ergonomic',
  'headphnes', 'backpak', 'skilet', 'keybord', 'swetter',
  'gift', 'travel', 'camping', 'umbrella',
];

const categoriesFallback: readonly string[] = ['kitchen', 'outdoor', 'electronics', 'books', 'apparel', 'home-office'];

const userAgents: readonly string[] = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
];

// The region an edge in front of the shop reports; `use1` is an older alias some edges still send.
const edgeRegions: ReadonlyArray<readonly [string, number]> = [
  ['us-east-1', 0.5],
  ['eu-west-1', 0.3],
  ['us-west-2', 0.15],
  ['use1', 0.05],
];

/** Returns an element of `entries` picked with probability proportional to its weight; `random` returns [0, 1). */
export function pickWeighted<T>(entries: ReadonlyArray<readonly [T, number]>, random: () => number): T {
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let point = random() * total;
  for (const [value, weight] of entries) {
    point -= weight;
    if (point < 0) return value;
  }
  return entries[entries.length - 1][0];
}

/** Picks the kind of the next journey by JOURNEY_WEIGHTS. */
export function pickJourneyKind(random: () => number): JourneyKind {
  return pickWeighted(Object.entries(JOURNEY_WEIGHTS) as Array<[JourneyKind, number]>, random);
}

/** Picks a card by CARD_TYPE_WEIGHTS: its type and a test number of that network. */
export function pickCard(random: () => number): { type: string; number: string } {
  const type = pickWeighted(Object.entries(CARD_TYPE_WEIGHTS), random);
  return { type, number: pickOne(cardNumbers[type], random) };
}

/** Returns a uniformly picked element of the non-empty `values`. */
export function pickOne<T>(values: readonly T[], random: () => number): T {
  return values[Math.min(values.length - 1, Math.floor(random() * values.length))];
}

/** What the generator has learnt about the shop from its answers, shared by all journeys. */
export class ShopKnowledge {
  readonly productIds = new Set<number>();
  categories: readonly string[] = categoriesFallback;
  private readonly searchWords = new Set<string>();

  /** Learns product ids, categories and name words from a listing or search answer. */
  learnProducts(products: readonly ProductSummary[]): void {
    for (const product of products) {
      if (this.productIds.size < 5_000) this.productIds.add(product.id);
      for (const word of product.name?.toLowerCase().split(/\s+/) ?? []) {
        if (word.length >= 4 && this.searchWords.size < 500) this.searchWords.add(word);
      }
    }
  }

  /** Learns the category names from GET /api/categories. */
  learnCategories(categories: readonly string[]): void {
    if (categories.length > 0) this.categories = categories;
  }

  /** A search term: mostly from SEARCH_TERMS, sometimes a word seen in a product name. */
  pickSearchTerm(random: () => number): string {
    if (this.searchWords.size > 0 && random() < 0.3) return pickOne([...this.searchWords], random);
    return pickOne(SEARCH_TERMS, random);
  }

  /** A known product id, or undefined before any listing was seen. */
  pickProductId(random: () => number): number | undefined {
    return this.productIds.size > 0 ? pickOne([...this.productIds], random) : undefined;
  }
}

/** The fields of a product the journeys use. */
export interface ProductSummary {
  id: number;
  name?: string;
}

/** What a journey runs with. */
export interface JourneyContext {
  baseUrl: URL;
  stats: LoadStats;
  knowledge: ShopKnowledge;
  random: () => number;
  /** Ends every request at once when the generator stops. */
  signal: AbortSignal;
  requestTimeoutMs: number;
  /** Pause between two steps, as a person reading the page. */
  thinkTimeMs: { min: number; max: number };
}

interface ApiAnswer {
  status: number;
  body: unknown;
}

/** One shopper's visit: a session against the shop's JSON API that records every request. */
export class ShopperSession {
  private readonly sessionId = randomUUID();
  private readonly headers: Record<string, string>;
  private readonly context: JourneyContext;

  constructor(context: JourneyContext) {
    this.context = context;
    this.headers = {
      accept: 'application/json',
      'x-session-id': this.sessionId,
      'user-agent': pickOne(userAgents, context.random),
      'x-edge-region': pickWeighted(edgeRegions, context.random),
    };
  }

  /**
   * Runs a journey of `kind` to its end. Never throws for a failed request: shoppers meet
   * errors and carry on or leave. Resolves early when the generator stops.
   */
  async runJourney(kind: JourneyKind): Promise<void> {
    switch (kind) {
      case 'browse':
        await this.browse();
        if (this.chance(0.5)) await this.viewSomeProduct();
        return;
      case 'search':
        await this.search();
        return;
      case 'view-product':
        await this.viewSomeProduct();
        if (this.chance(0.4)) await this.viewSomeProduct();
        return;
      case 'abandon-cart':
        await this.fillCart(1);
        if (this.chance(0.6)) await this.call('GET', '/api/cart', 'GET /api/cart');
        return;
      case 'checkout':
        await this.checkout();
        return;
    }
  }

  private async browse(): Promise<number[]> {
    const ids: number[] = [];
    if (this.chance(0.5)) {
      const answer = await this.call('GET', '/api/categories', 'GET /api/categories');
      const categories = readCategoryNames(answer?.body);
      this.context.knowledge.learnCategories(categories);
    }
    const pages = 1 + Math.floor(this.context.random() * 3);
    for (let index = 0; index < pages && !this.context.signal.aborted; index += 1) {
      const category = pickOne(this.context.knowledge.categories, this.context.random);
      const page = this.chance(0.2) ? 2 : 1;
      if (index > 0) await this.think();
      const answer = await this.call('GET', `/api/products?category=${encodeURIComponent(category)}${page > 1 ? `&page=${page}` : ''}`, 'GET /api/products');
      ids.push(...this.learnFrom(answer));
    }
    return ids;
  }

  private async search(): Promise<number[]> {
    const term = this.context.knowledge.pickSearchTerm(this.context.random);
    const answer = await this.call('GET', `/api/search?q=${encodeURIComponent(term)}`, 'GET /api/search');
    const ids = this.learnFrom(answer);
    if (ids.length > 0 && this.chance(0.7)) {
      await this.think();
      await this.viewProduct(pickOne(ids, this.context.random));
    }
    return ids;
  }

  private async viewSomeProduct(): Promise<number | undefined> {
    let id = this.context.knowledge.pickProductId(this.context.random);
    if (id === undefined) {
      const answer = await this.call('GET', '/api/products', 'GET /api/products');
      const ids = this.learnFrom(answer);
      if (ids.length === 0) return undefined;
      id = pickOne(ids, this.context.random);
    }
    await this.think();
    return (await this.viewProduct(id)) ? id : undefined;
  }

  private async viewProduct(id: number): Promise<boolean> {
    const answer = await this.call('GET', `/api/products/${id}`, 'GET /api/products/:id');
    return answer !== undefined && answer.status < 400;
  }

  /** Finds and adds `itemCount` products to the cart; returns how many additions succeeded. */
  private async fillCart(itemCount: number): Promise<number> {
    let candidates = this.chance(0.5) ? await this.browse() : await this.search();
    let added = 0;
    for (let index = 0; index < itemCount && !this.context.signal.aborted; index += 1) {
      await this.think();
      const id = candidates.length > 0 ? pickOne(candidates, this.context.random) : await this.viewSomeProduct();
      if (id === undefined) continue;
      if (candidates.length > 0) {
        await this.viewProduct(id);
        await this.think();
      }
      const quantity = this.chance(0.8) ? 1 : 2;
      const answer = await this.call('POST', '/api/cart/items', 'POST /api/cart/items', { productId: id, quantity });
      if (answer && answer.status < 400) added += 1;
      if (this.chance(0.3)) candidates = await this.search();
    }
    return added;
  }

  private async checkout(): Promise<void> {
    const itemCount = pickWeighted(
      [
        [1, 0.55],
        [2, 0.3],
        [3, 0.15],
      ],
      this.context.random,
    );
    const added = await this.fillCart(itemCount);
    if (added === 0 || this.context.signal.aborted) return;
    await this.think();
    await this.call('GET', '/api/cart', 'GET /api/cart');
    await this.think();
    const body = { email: `${this.sessionId.slice(0, 8)}@example.com`, card: pickCard(this.context.random) };
    const answer = await this.call('POST', '/api/checkout', 'POST /api/checkout', body);
    if (this.context.signal.aborted) return;
    if (answer && answer.status === 201) this.context.stats.checkoutsOk += 1;
    else this.context.stats.checkoutsFailed += 1;
  }

  private learnFrom(answer: ApiAnswer | undefined): number[] {
    const products = readProducts(answer?.body);
    this.context.knowledge.learnProducts(products);
    return products.map((product) => product.id);
  }

  /** Sends one request and records it; undefined when no answer came (timeout, network, stop). */
  private async call(method: 'GET' | 'POST', path: string, endpoint: string, body?: unknown): Promise<ApiAnswer | undefined> {
    const { signal, requestTimeoutMs, stats } = this.context;
    if (signal.aborted) return undefined;
    // One controller per request rather than AbortSignal.any: listeners on the generator's
    // long-lived signal are removed as soon as the request ends.
    const request = new AbortController();
    let timedOut = false;
    const onStop = (): void => request.abort(signal.reason);
    const timer = setTimeout(() => {
      timedOut = true;
      request.abort(new Error(`no answer within ${requestTimeoutMs} ms`));
    }, requestTimeoutMs);
    signal.addEventListener('abort', onStop, { once: true });
    const startedAt = performance.now();
    try {
      const response = await fetch(new URL(path, this.context.baseUrl), {
        method,
        headers: body === undefined ? this.headers : { ...this.headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: request.signal,
        redirect: 'manual',
      });
      const text = await response.text();
      stats.recordRequest(endpoint, response.status, performance.now() - startedAt);
      return { status: response.status, body: parseJson(text) };
    } catch {
      // Requests cut short by the generator's own stop are not the shop's errors.
      if (signal.aborted) return undefined;
      stats.recordRequest(endpoint, timedOut ? 'timeout' : 'network', performance.now() - startedAt);
      return undefined;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onStop);
    }
  }

  private chance(probability: number): boolean {
    return this.context.random() < probability;
  }

  private think(): Promise<void> {
    const { min, max } = this.context.thinkTimeMs;
    const { signal } = this.context;
    const durationMs = min + this.context.random() * Math.max(0, max - min);
    return new Promise((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, durationMs);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Reads products from a listing or search answer ({items} or {products}); ignores anything malformed. */
export function readProducts(body: unknown): ProductSummary[] {
  if (!body || typeof body !== 'object') return [];
  const record = body as { items?: unknown; products?: unknown };
  const list = Array.isArray(record.items) ? record.items : Array.isArray(record.products) ? record.products : [];
  const products: ProductSummary[] = [];
  for (const entry of list as unknown[]) {
    if (!entry || typeof entry !== 'object') continue;
    const { id, name } = entry as { id?: unknown; name?: unknown };
    if (typeof id === 'number' && Number.isInteger(id) && id > 0) products.push({ id, name: typeof name === 'string' ? name : undefined });
  }
  return products;
}

function readCategoryNames(body: unknown): string[] {
  if (!Array.isArray(body)) return [];
  return body.flatMap((entry: unknown) => {
    if (typeof entry === 'string') return [entry];
    const category = entry && typeof entry === 'object' ? (entry as { category?: unknown }).category : undefined;
    return typeof category === 'string' ? [category] : [];
  });
}

/**
 * catalog: the product range, in PostgreSQL (database `catalog`, table `products`).
 *
 * GET /products?category=&page=&pageSize=  one page of products {items, page, pageSize, total}
 * GET /products?ids=1,2,3                  those products {items} (unknown ids are left out)
 * GET /products/:id                        one product, 404 when unknown
 * GET /categories                          [{category, productCount}]
 * GET /search?q=&limit=                    ranked matches {query, items, suggestions}
 * Env: PORT, DATABASE_URL, LOG_LEVEL.
 */
import {
  HttpError,
  buildProductSeed,
  createPool,
  createServiceApp,
  currentFaults,
  finishServiceApp,
  prepareSchema,
  productCategories,
  readIntegerField,
  readPortEnv,
  readRequiredEnv,
  rollShare,
  sendReady,
  serveHttp,
  startServiceRuntime,
  type Pool,
  type PoolClient,
  type SeedProduct,
} from '../shared/index.js';
import { scoreFuzzySimilarity, scoreKeywords } from './relevance.js';

/** A product as the API returns it; prices in cents of `currency`. */
interface Product extends SeedProduct {
  id: number;
}

interface ProductRow {
  id: number;
  sku: string;
  name: string;
  description: string;
  category: string;
  price_cents: number;
  currency: string;
  image_path: string;
}

const productColumns = 'id, sku, name, description, category, price_cents, currency, image_path';
const maxPageSize = 48;
const maxBatchIds = 100;
// The whole range is small; search suggestions are computed against an in-memory copy.
const corpusRefreshMs = 60_000;

const runtime = startServiceRuntime('catalog');
const { logger } = runtime;
const port = readPortEnv('PORT', { required: true }) ?? 0;
const env = readRequiredEnv(['DATABASE_URL']);
const pool = createPool(runtime, env.DATABASE_URL, { statementTimeoutMs: 5_000 });

function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    category: row.category,
    priceCents: row.price_cents,
    currency: row.currency,
    imagePath: row.image_path,
  };
}

async function migrateCatalog(client: PoolClient): Promise<void> {
  await client.query(`
    CREATE TABLE IF NOT EXISTS products (
      id          serial PRIMARY KEY,
      sku         text NOT NULL UNIQUE,
      name        text NOT NULL,
      description text NOT NULL,
      category    text NOT NULL,
      price_cents integer NOT NULL CHECK (price_cents > 0),
      currency    char(3) NOT NULL DEFAULT 'USD',
      image_path  text NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now()
    )`);
  await client.query('CREATE INDEX IF NOT EXISTS products_category_id_idx ON products (category, id)');
  const { rows } = await client.query<{ count: string }>('SELECT count(*) FROM products');
  if (Number(rows[0].count) > 0) return;
  const seed = buildProductSeed();
  const values: unknown[] = [];
  const tuples = seed.map((product, index) => {
    values.push(product.sku, product.name, product.description, product.category, product.priceCents, product.currency, product.imagePath);
    const base = index * 7;
    return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6}, $${base + 7})`;
  });
  await client.query(`INSERT INTO products (sku, name, description, category, price_cents, currency, image_path) VALUES ${tuples.join(', ')}`, values);
  logger.info({ products: seed.length, categories: productCategories.length }, 'seeded product catalog');
}

let corpus: Product[] = [];

async function refreshCorpus(db: Pool): Promise<void> {
  const { rows } = await db.query<ProductRow>(`SELECT ${productColumns} FROM products ORDER BY id`);
  corpus = rows.map(toProduct);
}

function parseIds(raw: string): number[] {
  const ids = raw.split(',').filter((part) => part.trim() !== '').map(Number);
  if (ids.length === 0 || ids.some((id) => !Number.isInteger(id) || id < 1)) throw new HttpError(400, 'ids must be a comma-separated list of product ids', 'bad_request');
  if (ids.length > maxBatchIds) throw new HttpError(400, `at most ${maxBatchIds} ids per request`, 'bad_request');
  return [...new Set(ids)];
}

function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

// How long search may spend refining fuzzy scores; the default is one pass, no refinement.
function selectRefineBudgetMs(): number {
  const tuning = currentFaults().cpuHog;
  return tuning && rollShare(tuning.share) ? Math.max(0, tuning.cpuMs) : 0;
}

await prepareSchema(runtime, pool, 'catalog-schema', migrateCatalog);
await refreshCorpus(pool);
const corpusTimer = setInterval(() => {
  refreshCorpus(pool).catch((error: unknown) => logger.warn({ err: error }, 'could not refresh the search corpus'));
}, corpusRefreshMs);
corpusTimer.unref();

const app = createServiceApp(runtime);

app.get('/products', async (req, res) => {
  if (typeof req.query.ids === 'string') {
    const ids = parseIds(req.query.ids);
    const { rows } = await pool.query<ProductRow>(`SELECT ${productColumns} FROM products WHERE id = ANY($1::int[]) ORDER BY id`, [ids]);
    res.json({ items: rows.map(toProduct) });
    return;
  }
  const category = typeof req.query.category === 'string' && req.query.category !== '' ? req.query.category : null;
  const page = req.query.page === undefined ? 1 : readIntegerField(req.query, 'page', { min: 1, max: 10_000 });
  const pageSize = req.query.pageSize === undefined ? 12 : readIntegerField(req.query, 'pageSize', { min: 1, max: maxPageSize });
  const { rows } = await pool.query<ProductRow & { total: string }>(
    `SELECT ${productColumns}, count(*) OVER () AS total FROM products
      WHERE ($1::text IS NULL OR category = $1) ORDER BY id LIMIT $2 OFFSET $3`,
    [category, pageSize, (page - 1) * pageSize],
  );
  let total = rows.length > 0 ? Number(rows[0].total) : 0;
  if (rows.length === 0 && page > 1) {
    const counted = await pool.query<{ count: string }>('SELECT count(*) FROM products WHERE ($1::text IS NULL OR category = $1)', [category]);
    total = Number(counted.rows[0].count);
  }
  res.json({ items: rows.map(toProduct), category, page, pageSize, total });
});

app.get('/products/:id', async (req, res) => {
  const id = Number(req.params.id);
  if (!Number.isInteger(id) || id < 1) throw new HttpError(400, 'product id must be a positive integer', 'bad_request');
  const { rows } = await pool.query<ProductRow>(`SELECT ${productColumns} FROM products WHERE id = $1`, [id]);
  if (rows.length === 0) throw new HttpError(404, `product ${id} not found`, 'not_found');
  res.json(toProduct(rows[0]));
});

app.get('/categories', async (_req, res) => {
  const { rows } = await pool.query<{ category: string; product_count: string }>(
    'SELECT category, count(*) AS product_count FROM products GROUP BY category',
  );
  const order = (category: string) => {
    const index = productCategories.indexOf(category);
    return index === -1 ? productCategories.length : index;
  };
  const categories = rows
    .map((row) => ({ category: row.category, productCount: Number(row.product_count) }))
    .sort((left, right) => order(left.category) - order(right.category) || left.category.localeCompare(right.category));
  res.json(categories);
});

app.get('/search', async (req, res) => {
  const query = typeof req.query.q === 'string' ? req.query.q.trim() : '';
  if (query === '') throw new HttpError(400, 'q is required', 'bad_request');
  if (query.length > 100) throw new HttpError(400, 'q is longer than 100 characters', 'bad_request');
  const limit = req.query.limit === undefined ? 20 : readIntegerField(req.query, 'limit', { min: 1, max: maxPageSize });
  const { rows } = await pool.query<ProductRow>(
    `SELECT ${productColumns} FROM products WHERE name ILIKE $1 OR description ILIKE $1 ORDER BY id LIMIT 200`,
    [`%${escapeLikePattern(query)}%`],
  );
  const matches = rows.map(toProduct);
  const similarity = scoreFuzzySimilarity(query, corpus, selectRefineBudgetMs());
  const relevance = (product: Product) => scoreKeywords(query, product) + (similarity.get(product.id) ?? 0);
  const items = matches
    .map((product) => ({ product, score: relevance(product) }))
    .sort((left, right) => right.score - left.score || left.product.id - right.product.id)
    .slice(0, limit)
    .map(({ product }) => product);
  // Few exact hits usually means a typo: offer the closest names instead.
  const matchedIds = new Set(matches.map((product) => product.id));
  const suggestions =
    matches.length >= 3
      ? []
      : corpus
          .filter((product) => !matchedIds.has(product.id) && (similarity.get(product.id) ?? 0) >= 0.3)
          .sort((left, right) => (similarity.get(right.id) ?? 0) - (similarity.get(left.id) ?? 0))
          .slice(0, 5);
  res.json({ query, items, total: matches.length, suggestions });
});

finishServiceApp(app, runtime);
sendReady(await serveHttp(runtime, app, port));

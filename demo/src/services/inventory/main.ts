/**
 * inventory: stock per SKU and the reservations orders hold on it, in PostgreSQL
 * (database `inventory`, tables `stock` and `reservations`).
 *
 * GET  /stock/:sku                     {sku, available, reserved}, 404 when unknown
 * POST /reservations {orderId, items: [{sku, quantity}]}
 *                                      201 reserved · 409 out of stock or already reserved · 404 unknown sku
 * POST /reservations/:orderId/release  gives held stock back: {orderId, released: lines}
 * Env: PORT, DATABASE_URL, LOG_LEVEL.
 */
import {
  HttpError,
  buildProductSeed,
  createPool,
  createServiceApp,
  finishServiceApp,
  isStatementTimeout,
  prepareSchema,
  readIntegerField,
  readPortEnv,
  readRequiredEnv,
  readStringField,
  runInTransaction,
  sendReady,
  serveHttp,
  startServiceRuntime,
  type PoolClient,
} from '../shared/index.js';

interface ReservationItem {
  sku: string;
  quantity: number;
}

const initialStockUnits = 5_000;
// Replenish in the same transaction when a SKU runs low, so a long demo never sells out:
// above the most one cart line can hold (20), so a reservation never finds too little.
const restockBelowUnits = 100;
const restockUnits = 1_000;
const maxItemsPerReservation = 50;

const runtime = startServiceRuntime('inventory');
const { logger } = runtime;
const port = readPortEnv('PORT', { required: true }) ?? 0;
const env = readRequiredEnv(['DATABASE_URL']);
// A statement blocked behind a lock fails after 5 s instead of holding the request forever.
const pool = createPool(runtime, env.DATABASE_URL, { statementTimeoutMs: 5_000 });

async function migrateInventory(client: PoolClient): Promise<void> {
  await client.query(`
    CREATE TABLE IF NOT EXISTS stock (
      sku          text PRIMARY KEY,
      available    integer NOT NULL CHECK (available >= 0),
      reserved     integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
      restocked_at timestamptz,
      updated_at   timestamptz NOT NULL DEFAULT now()
    )`);
  await client.query(`
    CREATE TABLE IF NOT EXISTS reservations (
      order_id    text NOT NULL,
      sku         text NOT NULL REFERENCES stock (sku),
      quantity    integer NOT NULL CHECK (quantity > 0),
      status      text NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'released')),
      created_at  timestamptz NOT NULL DEFAULT now(),
      released_at timestamptz,
      PRIMARY KEY (order_id, sku)
    )`);
  await client.query('CREATE INDEX IF NOT EXISTS reservations_created_at_idx ON reservations (created_at)');
  const skus = buildProductSeed().map((product) => product.sku);
  // Idempotent: adds SKUs missing from an older seed and leaves existing levels alone.
  const { rowCount } = await client.query(
    'INSERT INTO stock (sku, available) SELECT unnest($1::text[]), $2 ON CONFLICT (sku) DO NOTHING',
    [skus, initialStockUnits],
  );
  if (rowCount) logger.info({ skus: rowCount, unitsPerSku: initialStockUnits }, 'seeded stock levels');
}

function parseReservationItems(body: unknown): ReservationItem[] {
  const items = body && typeof body === 'object' ? (body as { items?: unknown }).items : undefined;
  if (!Array.isArray(items) || items.length === 0) throw new HttpError(400, 'items must be a non-empty array', 'bad_request');
  if (items.length > maxItemsPerReservation) throw new HttpError(400, `at most ${maxItemsPerReservation} items per reservation`, 'bad_request');
  const quantities = new Map<string, number>();
  for (const item of items) {
    const sku = readStringField(item, 'sku', { maxLength: 64 });
    const quantity = readIntegerField(item, 'quantity', { min: 1, max: 1_000 });
    quantities.set(sku, (quantities.get(sku) ?? 0) + quantity);
  }
  // A fixed order of row locks keeps concurrent reservations from deadlocking.
  return [...quantities].map(([sku, quantity]) => ({ sku, quantity })).sort((left, right) => left.sku.localeCompare(right.sku));
}

function answerDatabaseTimeout(error: unknown): never {
  if (isStatementTimeout(error)) throw new HttpError(503, 'stock update timed out waiting on the database', 'database_timeout', { cause: error });
  throw error;
}

await prepareSchema(runtime, pool, 'inventory-schema', migrateInventory);

const app = createServiceApp(runtime);

app.get('/stock/:sku', async (req, res) => {
  const { rows } = await pool
    .query<{ sku: string; available: number; reserved: number }>('SELECT sku, available, reserved FROM stock WHERE sku = $1', [req.params.sku])
    .catch(answerDatabaseTimeout);
  if (rows.length === 0) throw new HttpError(404, `unknown sku ${req.params.sku}`, 'not_found');
  res.json(rows[0]);
});

app.post('/reservations', async (req, res) => {
  const orderId = readStringField(req.body, 'orderId', { maxLength: 64 });
  const items = parseReservationItems(req.body);
  await runInTransaction(pool, async (client) => {
    for (const item of items) {
      const updated = await client.query(
        'UPDATE stock SET available = available - $2, reserved = reserved + $2, updated_at = now() WHERE sku = $1 AND available >= $2',
        [item.sku, item.quantity],
      );
      if (updated.rowCount === 0) {
        const known = await client.query<{ available: number }>('SELECT available FROM stock WHERE sku = $1', [item.sku]);
        if (known.rows.length === 0) throw new HttpError(404, `unknown sku ${item.sku}`, 'unknown_sku');
        logger.warn({ orderId, sku: item.sku, requested: item.quantity, available: known.rows[0].available }, 'not enough stock to reserve');
        throw new HttpError(409, `not enough stock for ${item.sku}`, 'out_of_stock');
      }
      const restocked = await client.query(
        'UPDATE stock SET available = available + $2, restocked_at = now() WHERE sku = $1 AND available < $3',
        [item.sku, restockUnits, restockBelowUnits],
      );
      if (restocked.rowCount) logger.info({ sku: item.sku, units: restockUnits }, 'restocked low sku');
      const inserted = await client.query(
        'INSERT INTO reservations (order_id, sku, quantity) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [orderId, item.sku, item.quantity],
      );
      if (inserted.rowCount === 0) throw new HttpError(409, `order ${orderId} already holds a reservation`, 'already_reserved');
    }
  }).catch(answerDatabaseTimeout);
  res.status(201).json({ orderId, status: 'held', items });
});

app.post('/reservations/:orderId/release', async (req, res) => {
  const { orderId } = req.params;
  const released = await runInTransaction(pool, async (client) => {
    const { rows } = await client.query<ReservationItem>(
      `UPDATE reservations SET status = 'released', released_at = now()
        WHERE order_id = $1 AND status = 'held' RETURNING sku, quantity`,
      [orderId],
    );
    for (const item of [...rows].sort((left, right) => left.sku.localeCompare(right.sku))) {
      await client.query(
        'UPDATE stock SET available = available + $2, reserved = reserved - $2, updated_at = now() WHERE sku = $1',
        [item.sku, item.quantity],
      );
    }
    return rows;
  }).catch(answerDatabaseTimeout);
  if (released.length > 0) logger.info({ orderId, lines: released.length }, 'reservation released');
  res.json({ orderId, released: released.length });
});

finishServiceApp(app, runtime);
sendReady(await serveHttp(runtime, app, port));

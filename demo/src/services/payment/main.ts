/**
 * payment: charges cards through the (simulated) card processor.
 *
 * POST /charges {orderId, amountCents, currency, card: {type, last4}}
 *   201 {chargeId, status: 'approved', ...} · 402 declined · 502 processor error · 400 invalid.
 * Env: PORT, LOG_LEVEL.
 */
import { randomUUID } from 'node:crypto';
import {
  HttpError,
  createServiceApp,
  currentFaults,
  delay,
  finishServiceApp,
  readIntegerField,
  readPortEnv,
  readStringField,
  rollShare,
  sendReady,
  serveHttp,
  startServiceRuntime,
} from '../shared/index.js';

const cardTypes = ['visa', 'mastercard', 'amex'] as const;
type CardType = (typeof cardTypes)[number];

interface ChargeRequest {
  orderId: string;
  amountCents: number;
  currency: string;
  card: { type: CardType; last4: string };
}

/** The processor's answer to an authorisation. */
type Authorisation = { approved: true; authCode: string } | { approved: false; declineCode: string; message: string };

/** The processor could not be reached or failed; the charge did not happen. */
class ProcessorError extends Error {
  override name = 'ProcessorError';
}

// Typical figures for a card network authorisation from a nearby region.
const processorMinLatencyMs = 10;
const processorMaxLatencyMs = 60;
const insufficientFundsShare = 0.01;
// Like the processor's test cards: a card ending 9995 is always declined.
const alwaysDeclinedLast4 = '9995';

const runtime = startServiceRuntime('payment');
const { logger } = runtime;
const port = readPortEnv('PORT', { required: true }) ?? 0;

function parseChargeRequest(body: unknown): ChargeRequest {
  const orderId = readStringField(body, 'orderId', { maxLength: 64 });
  const amountCents = readIntegerField(body, 'amountCents', { min: 1, max: 10_000_000 });
  const currency = readStringField(body, 'currency', { maxLength: 3 }).toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw new HttpError(400, 'currency must be an ISO 4217 code', 'bad_request');
  const card = (body as { card?: unknown }).card;
  if (!card || typeof card !== 'object') throw new HttpError(400, 'card is required', 'bad_request');
  const type = readStringField(card, 'type', { maxLength: 16 }).toLowerCase();
  if (!cardTypes.includes(type as CardType)) throw new HttpError(400, `card.type must be one of ${cardTypes.join(', ')}`, 'bad_request');
  const last4 = readStringField(card, 'last4', { maxLength: 4 });
  if (!/^\d{4}$/.test(last4)) throw new HttpError(400, 'card.last4 must be 4 digits', 'bad_request');
  return { orderId, amountCents, currency, card: { type: type as CardType, last4 } };
}

/**
 * Simulates the authorisation round trip to the card processor: 10-60 ms, longer when the
 * processor is congested; throws a ProcessorError when its gateway fails.
 */
async function authoriseWithProcessor(charge: ChargeRequest): Promise<Authorisation> {
  const conditions = currentFaults();
  // Skewed towards the fast end, like real network latency.
  let latencyMs = processorMinLatencyMs + (processorMaxLatencyMs - processorMinLatencyMs) * Math.random() ** 2;
  const congestion = conditions.paymentLatency;
  if (congestion && rollShare(congestion.share)) latencyMs += congestion.extraMs;
  await delay(latencyMs);

  const outage = conditions.paymentFailures;
  if (outage && (!outage.cardType || outage.cardType === charge.card.type) && rollShare(outage.share)) {
    throw new ProcessorError(`card processor unavailable: upstream connect error or disconnect/reset before headers (${charge.card.type} gateway)`);
  }
  if (charge.card.last4 === alwaysDeclinedLast4 || Math.random() < insufficientFundsShare) {
    return { approved: false, declineCode: 'insufficient_funds', message: 'card declined: insufficient funds' };
  }
  return { approved: true, authCode: Math.floor(Math.random() * 1e6).toString().padStart(6, '0') };
}

const app = createServiceApp(runtime);

app.post('/charges', async (req, res) => {
  const charge = parseChargeRequest(req.body);
  const details = { orderId: charge.orderId, amountCents: charge.amountCents, currency: charge.currency, cardType: charge.card.type };
  let authorisation: Authorisation;
  try {
    authorisation = await authoriseWithProcessor(charge);
  } catch (error) {
    if (!(error instanceof ProcessorError)) throw error;
    logger.error({ ...details, err: error }, 'charge failed: card processor error');
    res.status(502).json({ error: error.message, code: 'processor_unavailable' });
    return;
  }
  if (!authorisation.approved) {
    logger.info({ ...details, declineCode: authorisation.declineCode }, 'charge declined');
    res.status(402).json({ error: authorisation.message, code: authorisation.declineCode });
    return;
  }
  const chargeId = `ch_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
  logger.info({ ...details, chargeId }, 'charge approved');
  res.status(201).json({ chargeId, status: 'approved', authCode: authorisation.authCode, ...details });
});

finishServiceApp(app, runtime);
sendReady(await serveHttp(runtime, app, port));

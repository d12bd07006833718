/*
 * The shop's services: what each one is released as and what it needs. Tiers give the start
 * order (a tier starts once the one before is ready; services of a tier start together) and,
 * reversed, the stop order.
 */

/** One of the shop's services. */
export interface ServiceDefinition {
  name: string;
  /** The release that runs unless a deploy replaced it. */
  version: string;
  /** Start order: 1 before 2 before 3. */
  tier: 1 | 2 | 3;
  /** The database its DATABASE_URL names, when it has one. */
  database?: string;
  /** Gets REDIS_URL. */
  usesRedis?: boolean;
  /** Gets AMQP_URL. */
  usesAmqp?: boolean;
}

/** The shop's services in start order. */
export const SHOP_SERVICES: readonly ServiceDefinition[] = [
  { name: 'catalog', version: '1.8.2', tier: 1, database: 'catalog' },
  { name: 'inventory', version: '1.4.1', tier: 1, database: 'inventory' },
  { name: 'cart', version: '2.3.0', tier: 1, usesRedis: true },
  { name: 'payment', version: '3.2.0', tier: 1 },
  { name: 'shipping', version: '1.1.5', tier: 1, database: 'orders', usesAmqp: true },
  { name: 'order', version: '2.0.4', tier: 2, database: 'orders', usesAmqp: true },
  { name: 'frontend', version: '4.6.1', tier: 3 },
];

/** Names of the shop's services, in start order. */
export const SHOP_SERVICE_NAMES: readonly string[] = SHOP_SERVICES.map((service) => service.name);

/** The databases the services expect to exist (each creates its own tables). */
export const SHOP_DATABASES: readonly string[] = [...new Set(SHOP_SERVICES.flatMap((service) => (service.database ? [service.database] : [])))];

/** Environment variable through which the other services reach `name`, e.g. CATALOG_URL. */
export function buildUrlVariableName(name: string): string {
  return `${name.toUpperCase()}_URL`;
}

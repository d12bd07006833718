import { LogController } from 'fastify';

/** Fastify options shared by Pharos' servers: no log line per request (ingest would drown in them). */
export function quietRequestLogging(): { logController: LogController } {
  return { logController: new LogController({ disableRequestLogging: true }) };
}

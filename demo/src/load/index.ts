export { startLoad } from './load-generator.js';
export type { LoadGenerator, LoadOptions } from './load-generator.js';
export { formatProgressLine } from './load-stats.js';
export type { EndpointStats, LoadStatsSnapshot } from './load-stats.js';
export { isLoopbackHostname, parseLoopbackUrl } from './loopback.js';

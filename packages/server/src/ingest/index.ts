export { WriteQueue, type WriteQueueOptions } from './write-queue.js';
export { dropAbsurdTimestamps, batchSize, MAX_FUTURE_SKEW_NS, type TimeValidation } from './validate.js';

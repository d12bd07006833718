export { WriteQueue, type WriteQueueOptions } from './write-queue.js';
export { WriteAheadLog, type WriteAheadLogOptions, type WalRecord, type StoredWalRecord } from './write-ahead-log.js';
export { dropAbsurdTimestamps, batchSize, MAX_FUTURE_SKEW_NS, type TimeValidation } from './validate.js';

import type { LogRecord } from '../api';

/**
 * A log record's time as a decimal Unix-nanosecond string: its `timeUnixNano`, or its
 * `observedTimeUnixNano` when the source set none ('0'), which is how the server places and
 * orders such records. Every view that shows or sorts records by time goes through this.
 */
export function recordTimeUnixNano(record: Pick<LogRecord, 'timeUnixNano' | 'observedTimeUnixNano'>): string {
  return record.timeUnixNano !== '0' ? record.timeUnixNano : record.observedTimeUnixNano;
}

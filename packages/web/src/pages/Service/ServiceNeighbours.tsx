import type { TimeRange } from '../../model/time-range';

/** The services that call `service` (upstream) and those it calls (downstream), with the edges' figures. */
export function ServiceNeighbours(_props: { service: string; range: TimeRange }) {
  return null;
}

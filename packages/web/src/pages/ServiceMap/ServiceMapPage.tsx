import type { TimeRange } from '../../model/time-range';

/** `/service-map`: services laid out by call direction, with RED figures on nodes and edges. */
export function ServiceMapPage(_props: { range: TimeRange }) {
  return (
    <section aria-labelledby="service-map-title">
      <h1 id="service-map-title">Service map</h1>
    </section>
  );
}

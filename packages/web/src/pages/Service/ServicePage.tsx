import type { TimeRange } from '../../model/time-range';

/** `/services/:name`: one service's operations, latency distribution, errors and neighbours. */
export function ServicePage({ service }: { service: string; range: TimeRange }) {
  return (
    <section aria-labelledby="service-title">
      <h1 id="service-title">{service}</h1>
    </section>
  );
}

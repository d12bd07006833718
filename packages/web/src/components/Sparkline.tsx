/** An inline SVG line of `values` (e.g. requests per time bucket), scaled to its own maximum. */
export function Sparkline({ values, label, width = 120, height = 28 }: { values: readonly number[]; label: string; width?: number; height?: number }) {
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`).join(' ');
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <title>{label}</title>
      {values.length > 1 && <polyline points={`0,${height} ${points} ${width},${height}`} className="sparkline-area" />}
      {values.length > 1 && <polyline points={points} className="sparkline-line" />}
    </svg>
  );
}

import type { SeverityCounts } from '../api';

/** A severity band of the log histogram (docs/api.md): OTLP SeverityNumber 1-4 trace … 21-24 fatal. */
export type SeverityBand = keyof SeverityCounts;

/** The bands from least to most severe: the stacking order of the histogram, bottom up. */
export const SEVERITY_BANDS: readonly SeverityBand[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** Colours per band, picked to read on light and dark backgrounds; warm means worse. */
export const SEVERITY_COLORS: Record<SeverityBand, string> = {
  trace: '#9aa5b4',
  debug: '#76b7b2',
  info: '#4e79a7',
  warn: '#edc948',
  error: '#e15759',
  fatal: '#8b1e3f',
};

/** The band of a SeverityNumber; 0 (unspecified) is info, as the server counts it. */
export function severityBandOf(severityNumber: number): SeverityBand {
  if (severityNumber <= 0) return 'info';
  return SEVERITY_BANDS[Math.min(5, Math.floor((severityNumber - 1) / 4))];
}

/** A minimum-severity choice from the URL (`severity=warn`): a band name, or '' for any. */
export function parseSeverityChoice(value: string | null): SeverityBand | '' {
  return SEVERITY_BANDS.find((b) => b === value) ?? '';
}

/** The sum of a bucket's counts. */
export function totalCount(counts: SeverityCounts): number {
  return SEVERITY_BANDS.reduce((n, band) => n + counts[band], 0);
}

/**
 * The trace search as the URL keeps it, and the rules the form checks before it asks the
 * server (the same rules GET /pharos/v1/traces applies, docs/api.md), so that a mistake is
 * explained beside the field instead of coming back as a 400.
 */

/** Results asked for when the URL names no `limit`. */
export const DEFAULT_TRACE_LIMIT = 100;
/** The most results the page asks for: every result is a row and a point, all drawn at once. */
export const MAX_TRACE_LIMIT = 1000;

/** Span statuses the API filters by (`status=`), '' for any. */
export const STATUS_CHOICES = ['', 'error', 'ok', 'unset'] as const;
/** Span kinds the API filters by (`kind=`), '' for any. */
export const KIND_CHOICES = ['', 'server', 'client', 'producer', 'consumer', 'internal'] as const;

/** The search fields, as text, exactly as the URL query holds them (`attr` repeats). */
export interface TraceSearchForm {
  service: string;
  operation: string;
  kind: string;
  minDuration: string;
  maxDuration: string;
  status: string;
  attr: string[];
  /** Only spans of `service` called by a span of this service (set by the service map's edge links). */
  parentService: string;
  limit: string;
}

/** The URL query parameters the search form owns (the time range and the view state are not among them). */
export const SEARCH_PARAM_NAMES = ['service', 'operation', 'kind', 'minDuration', 'maxDuration', 'status', 'attr', 'parentService', 'limit'] as const;

/** Reads the search from a URL query; absent fields are '' (and `limit` the default). */
export function readSearchForm(search: URLSearchParams): TraceSearchForm {
  return {
    service: search.get('service') ?? '',
    operation: search.get('operation') ?? '',
    kind: search.get('kind') ?? '',
    minDuration: search.get('minDuration') ?? '',
    maxDuration: search.get('maxDuration') ?? '',
    status: search.get('status') ?? '',
    attr: search.getAll('attr'),
    parentService: search.get('parentService') ?? '',
    limit: search.get('limit') ?? String(DEFAULT_TRACE_LIMIT),
  };
}

/** The query changes that store `form` (empty fields and the default limit are removed from the URL). */
export function searchFormQuery(form: TraceSearchForm): Record<string, string | readonly string[] | undefined> {
  return {
    service: form.service,
    operation: form.operation,
    kind: form.kind,
    minDuration: form.minDuration.trim(),
    maxDuration: form.maxDuration.trim(),
    status: form.status,
    attr: form.attr,
    parentService: form.parentService,
    limit: form.limit.trim() === String(DEFAULT_TRACE_LIMIT) ? undefined : form.limit.trim(),
  };
}

/** The limit to ask for: the form's when it is a whole number 1..MAX_TRACE_LIMIT, else the default. */
export function effectiveLimit(form: TraceSearchForm): number {
  return checkLimit(form.limit) === undefined ? Number(form.limit.trim()) : DEFAULT_TRACE_LIMIT;
}

const DURATION_UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9, d: 86_400e9, w: 604_800e9 };

/**
 * A duration as the API reads it (`500us`, `250ms`, `1.5s`, `1m30s`, or `0`) in nanoseconds,
 * or undefined when it is not one. The API keeps up to 9 fraction digits, as this does.
 */
export function parseDurationNs(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const re = /(\d+)(?:\.(\d{1,9})\d*)?(ns|us|µs|μs|ms|s|m|h|d|w)/y;
  let totalNs = 0;
  let consumed = 0;
  for (let match = re.exec(trimmed); match !== null; match = re.exec(trimmed)) {
    const unitNs = DURATION_UNIT_NS[match[3]];
    totalNs += Number(match[1]) * unitNs + (match[2] === undefined ? 0 : Math.floor((Number(match[2]) * unitNs) / 10 ** match[2].length));
    consumed = re.lastIndex;
  }
  return consumed === 0 || consumed !== trimmed.length ? undefined : totalNs;
}

/** Why a duration field is wrong, or undefined when it is empty or valid. */
export function checkDuration(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || parseDurationNs(trimmed) !== undefined) return undefined;
  if (trimmed.startsWith('-')) return 'A duration cannot be negative.';
  if (/^\d+(\.\d+)?$/.test(trimmed)) return `Add a unit: ${trimmed}ms, ${trimmed}s, … (units ns, us or µs, ms, s, m, h, d, w).`;
  return 'Use a number and a unit, e.g. 250ms, 1.5s, 500us or 1m30s.';
}

/** Why the limit field is wrong, or undefined when it is a whole number from 1 to MAX_TRACE_LIMIT. */
export function checkLimit(text: string): string | undefined {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < 1 || Number(trimmed) > MAX_TRACE_LIMIT) return `A whole number from 1 to ${MAX_TRACE_LIMIT}.`;
  return undefined;
}

/** Problems of a form, by field name; empty when it can be searched. */
export function checkSearchForm(form: TraceSearchForm): Partial<Record<'minDuration' | 'maxDuration' | 'limit', string>> {
  const problems: Partial<Record<'minDuration' | 'maxDuration' | 'limit', string>> = {};
  const minProblem = checkDuration(form.minDuration);
  const maxProblem = checkDuration(form.maxDuration);
  if (minProblem !== undefined) problems.minDuration = minProblem;
  if (maxProblem !== undefined) problems.maxDuration = maxProblem;
  if (minProblem === undefined && maxProblem === undefined && form.minDuration.trim() !== '' && form.maxDuration.trim() !== '') {
    if (parseDurationNs(form.maxDuration)! < parseDurationNs(form.minDuration)!) problems.maxDuration = 'The maximum is below the minimum.';
  }
  const limitProblem = checkLimit(form.limit);
  if (limitProblem !== undefined) problems.limit = limitProblem;
  return problems;
}

/** An attribute condition's operator; `exists` is a bare key. */
export type ConditionOp = '=' | '!=' | '>' | '<' | '>=' | '<=' | 'exists';

/** A parsed attribute condition. */
export interface AttributeCondition {
  key: string;
  op: ConditionOp;
  value: string;
}

/** Tried in this order at each position, so that `!=` wins over `=` and `>=` over `>`, as on the server. */
const OPERATORS: ReadonlyArray<Exclude<ConditionOp, 'exists'>> = ['!=', '>=', '<=', '=', '>', '<'];

/**
 * Parses `key=value`, `key!=value`, `key>n`, `key<n`, `key>=n`, `key<=n` or a bare `key` the way
 * the API does: the key ends at the first operator (so values may hold `=`), numeric operators
 * need a finite number. Returns the condition, or the reason it is not one.
 */
export function parseCondition(text: string): { ok: true; condition: AttributeCondition } | { ok: false; problem: string } {
  let at = -1;
  let op: Exclude<ConditionOp, 'exists'> | undefined;
  for (let i = 0; i < text.length && op === undefined; i++) {
    op = OPERATORS.find((candidate) => text.startsWith(candidate, i));
    if (op !== undefined) at = i;
  }
  const key = (op === undefined ? text : text.slice(0, at)).trim();
  if (key === '') return { ok: false, problem: 'Start with an attribute key: key=value, key!=value, key>n, key<n, key>=n, key<=n, or a key alone (it exists).' };
  if (/\s/.test(key)) return { ok: false, problem: `"${key}" has a space; attribute keys have none (use key=value).` };
  if (op === undefined) return { ok: true, condition: { key, op: 'exists', value: '' } };
  const value = text.slice(at + op.length).trim();
  if (op !== '=' && op !== '!=' && (value === '' || !Number.isFinite(Number(value)))) {
    return { ok: false, problem: `"${op}" compares numbers: put a number after it, e.g. ${key}${op}500.` };
  }
  return { ok: true, condition: { key, op, value } };
}

/** A condition as the API's `attr` text, without spaces around the operator. */
export function formatCondition(condition: AttributeCondition): string {
  return condition.op === 'exists' ? condition.key : `${condition.key}${condition.op}${condition.value}`;
}

/** A condition in words, for screen readers and tooltips: `http.status_code at least 500`. */
export function describeCondition(text: string): string {
  const parsed = parseCondition(text);
  if (!parsed.ok) return text;
  const { key, op, value } = parsed.condition;
  const words: Record<ConditionOp, string> = { '=': 'is', '!=': 'is not', '>': 'above', '<': 'below', '>=': 'at least', '<=': 'at most', exists: 'exists' };
  return op === 'exists' ? `${key} exists` : `${key} ${words[op]} ${value === '' ? '(empty)' : value}`;
}

/**
 * A rectangle dragged on the scatter plot: trace start times [fromMs, toMs] (Unix ms) and
 * trace durations [minDurationNs, maxDurationNs], all inclusive. Kept in the URL as
 * `selFrom`, `selTo`, `selMinNs`, `selMaxNs`.
 */
export interface PlotSelection {
  fromMs: number;
  toMs: number;
  minDurationNs: number;
  maxDurationNs: number;
}

/** The selection a URL query names, or undefined unless all four bounds are there and ordered. */
export function readSelection(search: URLSearchParams): PlotSelection | undefined {
  const read = (name: string) => {
    const text = search.get(name);
    return text !== null && /^\d{1,19}$/.test(text) ? Number(text) : undefined;
  };
  const fromMs = read('selFrom');
  const toMs = read('selTo');
  const minDurationNs = read('selMinNs');
  const maxDurationNs = read('selMaxNs');
  if (fromMs === undefined || toMs === undefined || minDurationNs === undefined || maxDurationNs === undefined) return undefined;
  if (toMs < fromMs || maxDurationNs < minDurationNs) return undefined;
  return { fromMs, toMs, minDurationNs, maxDurationNs };
}

/** The query changes that store `selection` (undefined removes it). */
export function selectionQuery(selection: PlotSelection | undefined): Record<string, string | undefined> {
  if (selection === undefined) return { selFrom: undefined, selTo: undefined, selMinNs: undefined, selMaxNs: undefined };
  return {
    selFrom: String(Math.floor(selection.fromMs)),
    selTo: String(Math.ceil(selection.toMs)),
    selMinNs: String(Math.max(0, Math.floor(selection.minDurationNs))),
    selMaxNs: String(Math.ceil(selection.maxDurationNs)),
  };
}

/** What the plot and list need of a trace: its start (Unix ns, decimal) and duration (ns, decimal). */
export interface TimedTrace {
  startTimeUnixNano: string;
  durationNs: string;
}

/** Whether `trace` lies inside `selection` (bounds inclusive). */
export function isInSelection(trace: TimedTrace, selection: PlotSelection): boolean {
  const startMs = unixNanoToMs(trace.startTimeUnixNano);
  const durationNs = Number(trace.durationNs);
  return startMs >= selection.fromMs && startMs <= selection.toMs && durationNs >= selection.minDurationNs && durationNs <= selection.maxDurationNs;
}

/** A decimal Unix-nanosecond string as Unix ms (fractional). */
export function unixNanoToMs(timeUnixNano: string): number {
  const ns = BigInt(timeUnixNano);
  return Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
}

/** Result orders; `-` first means largest (newest) first. */
export const SORTS = [
  { id: '-start', label: 'Newest first' },
  { id: 'start', label: 'Oldest first' },
  { id: '-duration', label: 'Longest first' },
  { id: 'duration', label: 'Shortest first' },
  { id: '-spans', label: 'Most spans' },
  { id: 'spans', label: 'Fewest spans' },
  { id: '-errors', label: 'Most errors' },
  { id: 'errors', label: 'Fewest errors' },
] as const;

/** A result order's id (`sort=` in the URL). */
export type TraceSort = (typeof SORTS)[number]['id'];

/** The order a `sort=` value names; newest first for anything else. */
export function parseSort(value: string | null): TraceSort {
  return SORTS.find((s) => s.id === value)?.id ?? '-start';
}

/** What a sort compares of a trace. */
export interface SortableTrace extends TimedTrace {
  traceId: string;
  spanCount: number;
  errorCount: number;
}

/** `traces` in the order `sort` names (a new array); ties go newest first, then by trace id, so the order is stable. */
export function sortTraces<T extends SortableTrace>(traces: readonly T[], sort: TraceSort): T[] {
  const descending = sort.startsWith('-');
  const key = sort.replace(/^-/, '');
  const value = (t: T): bigint => {
    if (key === 'duration') return BigInt(t.durationNs);
    if (key === 'spans') return BigInt(t.spanCount);
    if (key === 'errors') return BigInt(t.errorCount);
    return BigInt(t.startTimeUnixNano);
  };
  const compare = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
  return [...traces].sort((a, b) => {
    const primary = compare(value(a), value(b)) * (descending ? -1 : 1);
    if (primary !== 0) return primary;
    const newest = compare(BigInt(b.startTimeUnixNano), BigInt(a.startTimeUnixNano));
    return newest !== 0 ? newest : a.traceId.localeCompare(b.traceId);
  });
}

import type { KeyValueJson, OtlpSpanJson, TraceResponse } from '../api';
import { findAttribute } from './attributes';

/** A span of a trace with what the waterfall needs: its place in the tree and its times as offsets from the trace start. */
export interface WaterfallRow {
  /** Position in `Waterfall.rows` (depth-first order). */
  index: number;
  span: OtlpSpanJson;
  serviceName: string;
  resourceAttributes: KeyValueJson[];
  scopeName: string;
  scopeVersion: string;
  /** 0 for a root. */
  depth: number;
  /** Row index of the parent span, -1 for a root (no parent, or a parent not in the trace). */
  parentIndex: number;
  /** Row indices of the children, by start time. */
  childIndices: readonly number[];
  /** One past the subtree's last row: rows `index + 1 … subtreeEnd - 1` are this span's descendants. */
  subtreeEnd: number;
  /** Start relative to the trace's earliest span start, in nanoseconds. */
  offsetNs: number;
  /** End relative to the trace's earliest span start (`offsetNs + durationNs`), in nanoseconds. */
  endOffsetNs: number;
  /** End minus start; 0 when the span ends before it starts. */
  durationNs: number;
  isError: boolean;
  hasChildren: boolean;
}

/** The rows of a trace's waterfall and its overall extent. */
export interface Waterfall {
  /** Every span, depth-first: each span follows its parent, siblings by start time. */
  rows: WaterfallRow[];
  /** Row index by span id (the first span when an id repeats). */
  rowIndexBySpanId: Map<string, number>;
  traceStartUnixNano: bigint;
  /** From the earliest start to the latest end, in nanoseconds. */
  traceDurationNs: number;
  /** Service names in order of first appearance in `rows`. */
  services: string[];
  errorCount: number;
  maxDepth: number;
}

/** OTLP status code ERROR. */
const STATUS_ERROR = 2;
const NS_PER_S = 1_000_000_000;

/** Splits a decimal Unix-nanosecond string into whole seconds and nanoseconds, both exact as numbers. */
function splitUnixNano(timeUnixNano: string): [seconds: number, nanos: number] {
  const cut = timeUnixNano.length - 9;
  if (cut <= 0) return [0, Number(timeUnixNano)];
  return [Number(timeUnixNano.slice(0, cut)), Number(timeUnixNano.slice(cut))];
}

/** Digits of a Unix-nanosecond string that are read as one number on the fast path: < 2^53, about 11.5 days. */
const FAST_DIGITS = 15;

/**
 * A converter from decimal Unix-nanosecond strings to nanoseconds after `originUnixNano`
 * (negative before it). Exact while the distance stays under 2^53 ns (about 104 days),
 * and far cheaper than a BigInt per value: a time sharing the origin's leading digits
 * (the usual case within a trace) costs one slice and one number parse.
 */
export function createOffsetFromUnixNano(originUnixNano: bigint): (timeUnixNano: string) => number {
  const originText = originUnixNano.toString();
  const [originSeconds, originNanos] = splitUnixNano(originText);
  const cut = originText.length - FAST_DIGITS;
  const originPrefix = cut > 0 ? originText.slice(0, cut) : '';
  const originLow = cut > 0 ? Number(originText.slice(cut)) : 0;
  return (timeUnixNano) => {
    if (cut > 0 && timeUnixNano.length === originText.length && timeUnixNano.startsWith(originPrefix)) return Number(timeUnixNano.slice(cut)) - originLow;
    const [seconds, nanos] = splitUnixNano(timeUnixNano);
    return (seconds - originSeconds) * NS_PER_S + (nanos - originNanos);
  };
}

/** Compares two decimal Unix-nanosecond strings without leading zeros by value. */
function compareUnixNano(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The children list of a leaf; shared, never written to. */
const NO_CHILDREN: readonly number[] = Object.freeze([]);

/**
 * Orders a trace's spans depth-first (children by start time) so each follows its parent;
 * spans whose parent is missing become roots, and spans caught in a parent cycle are
 * shown as roots after the rest rather than lost. O(n log n) without recursion, and with
 * few allocations (typed arrays for the tree), since a 10,000-span trace is built on every
 * page load.
 */
export function buildWaterfall(trace: TraceResponse): Waterfall {
  // The rows, first in the answer's order; reordered depth-first below.
  const nodes: WaterfallRow[] = [];
  let startText: string | undefined;
  let endText: string | undefined;
  for (const resourceSpans of trace.resourceSpans) {
    const serviceName = findAttribute(resourceSpans.resource.attributes, 'service.name') ?? 'unknown';
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        nodes.push({
          index: -1,
          span,
          serviceName,
          resourceAttributes: resourceSpans.resource.attributes,
          scopeName: scopeSpans.scope.name,
          scopeVersion: scopeSpans.scope.version,
          depth: 0,
          parentIndex: -1,
          childIndices: NO_CHILDREN,
          subtreeEnd: 0,
          offsetNs: 0,
          endOffsetNs: 0,
          durationNs: 0,
          isError: span.status.code === STATUS_ERROR,
          hasChildren: false,
        });
        if (startText === undefined || compareUnixNano(span.startTimeUnixNano, startText) < 0) startText = span.startTimeUnixNano;
        if (endText === undefined || compareUnixNano(span.endTimeUnixNano, endText) > 0) endText = span.endTimeUnixNano;
      }
    }
  }
  const n = nodes.length;
  if (n === 0 || startText === undefined || endText === undefined) {
    return { rows: [], rowIndexBySpanId: new Map(), traceStartUnixNano: 0n, traceDurationNs: 0, services: [], errorCount: 0, maxDepth: 0 };
  }
  const traceStartUnixNano = BigInt(startText);
  const offsetOf = createOffsetFromUnixNano(traceStartUnixNano);
  const startOf = new Float64Array(n);
  const firstById = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const node = nodes[i];
    node.offsetNs = startOf[i] = offsetOf(node.span.startTimeUnixNano);
    node.endOffsetNs = Math.max(node.offsetNs, offsetOf(node.span.endTimeUnixNano));
    node.durationNs = node.endOffsetNs - node.offsetNs;
    if (!firstById.has(node.span.spanId)) firstById.set(node.span.spanId, i);
  }

  // The children of node p, sorted by start: childList[childStart[p] … childStart[p + 1] - 1].
  const parentOf = new Int32Array(n).fill(-1);
  const childStart = new Int32Array(n + 1);
  const roots: number[] = [];
  for (let i = 0; i < n; i++) {
    const { parentSpanId, spanId } = nodes[i].span;
    const parent = parentSpanId === '' || parentSpanId === spanId ? undefined : firstById.get(parentSpanId);
    if (parent === undefined || parent === i) roots.push(i);
    else {
      parentOf[i] = parent;
      childStart[parent + 1]++;
    }
  }
  for (let i = 0; i < n; i++) childStart[i + 1] += childStart[i];
  const childList = new Int32Array(childStart[n]);
  const filled = childStart.slice(0, n);
  for (let i = 0; i < n; i++) if (parentOf[i] !== -1) childList[filled[parentOf[i]]++] = i;
  const byStart = (a: number, b: number) => startOf[a] - startOf[b] || a - b;
  for (let p = 0; p < n; p++) if (childStart[p + 1] - childStart[p] > 1) childList.subarray(childStart[p], childStart[p + 1]).sort(byStart);

  // Depth-first with an explicit stack of (node, parent row); children pushed last-first.
  const rows: WaterfallRow[] = [];
  const rowOf = new Int32Array(n).fill(-1);
  const stackNode = new Int32Array(n + 1);
  const stackParentRow = new Int32Array(n + 1);
  const visitFrom = (root: number) => {
    let top = 0;
    stackNode[0] = root;
    stackParentRow[0] = -1;
    while (top >= 0) {
      const f = stackNode[top];
      const parentRow = stackParentRow[top--];
      if (rowOf[f] !== -1) continue;
      const node = nodes[f];
      const index = rows.length;
      rowOf[f] = index;
      node.index = index;
      node.subtreeEnd = index + 1;
      node.parentIndex = parentRow;
      if (parentRow !== -1) {
        const parent = rows[parentRow];
        node.depth = parent.depth + 1;
        if (parent.childIndices === NO_CHILDREN) parent.childIndices = [];
        (parent.childIndices as number[]).push(index);
        parent.hasChildren = true;
      }
      rows.push(node);
      // Only unvisited children are pushed, and each node has one parent, so the stack never holds more than n.
      for (let k = childStart[f + 1] - 1; k >= childStart[f]; k--) {
        const child = childList[k];
        if (rowOf[child] !== -1) continue;
        stackNode[++top] = child;
        stackParentRow[top] = index;
      }
    }
  };
  for (const root of roots.sort(byStart)) visitFrom(root);
  for (let f = 0; f < n; f++) if (rowOf[f] === -1) visitFrom(f);

  // In depth-first order a subtree ends at the next row that is not deeper.
  const open: number[] = [];
  for (const row of rows) {
    while (open.length > 0 && rows[open[open.length - 1]].depth >= row.depth) rows[open.pop()!].subtreeEnd = row.index;
    open.push(row.index);
  }
  for (const index of open) rows[index].subtreeEnd = rows.length;

  // The id map is reused: overwriting its values is cheaper than building a second map.
  const rowIndexBySpanId = firstById;
  for (const [spanId, f] of firstById) rowIndexBySpanId.set(spanId, rowOf[f]);
  const services = new Set<string>();
  let errorCount = 0;
  let maxDepth = 0;
  for (const row of rows) {
    services.add(row.serviceName);
    if (row.isError) errorCount++;
    if (row.depth > maxDepth) maxDepth = row.depth;
  }
  return { rows, rowIndexBySpanId, traceStartUnixNano, traceDurationNs: Math.max(0, offsetOf(endText)), services: [...services], errorCount, maxDepth };
}

/**
 * The rows shown when the spans at the `collapsed` row indices hide their descendants:
 * row indices in order. O(rows shown), so collapsing a big subtree is cheap.
 */
export function listVisibleRows(rows: readonly WaterfallRow[], collapsed: ReadonlySet<number>): number[] {
  const visible: number[] = [];
  for (let i = 0; i < rows.length; ) {
    visible.push(i);
    i = collapsed.has(i) ? rows[i].subtreeEnd : i + 1;
  }
  return visible;
}

/** Row indices of the ancestors of row `index`, nearest first. */
export function listAncestors(rows: readonly WaterfallRow[], index: number): number[] {
  const ancestors: number[] = [];
  for (let p = rows[index]?.parentIndex ?? -1; p !== -1; p = rows[p].parentIndex) ancestors.push(p);
  return ancestors;
}

/** The OTLP span kind number as a word. */
export function spanKindName(kind: number): string {
  return ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'][kind] ?? String(kind);
}

/** The OTLP status code number as a word. */
export function statusCodeName(code: number): string {
  return ['unset', 'ok', 'error'][code] ?? String(code);
}

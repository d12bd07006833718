/**
 * The critical path of a trace: the chain of work that decided when the root span ended.
 * Shortening any other span would not have made the request faster.
 */

/** What the algorithm needs of a span (a WaterfallRow has it): times in ns from the trace start, and its tree links. */
export interface CriticalPathSpan {
  offsetNs: number;
  endOffsetNs: number;
  /** -1 for a root. */
  parentIndex: number;
  childIndices: readonly number[];
}

/** A stretch of one span's own time on the critical path: [startNs, endNs) in ns from the trace start. */
export interface CriticalPathSegment {
  rowIndex: number;
  startNs: number;
  endNs: number;
}

/**
 * The root whose path is computed: among spans without a parent, the one ending last
 * (the first of them on a tie); -1 for no spans.
 */
export function findCriticalPathRoot(spans: readonly CriticalPathSpan[]): number {
  let root = -1;
  for (let i = 0; i < spans.length; i++) {
    if (spans[i].parentIndex !== -1) continue;
    if (root === -1 || spans[i].endOffsetNs > spans[root].endOffsetNs) root = i;
  }
  return root;
}

/**
 * The critical path of the tree under `rootIndex` (default: findCriticalPathRoot), as
 * segments in time order, the way Jaeger computes it:
 *
 * 1. Children are first clipped to their parent's (clipped) time: a child that started
 *    before its parent or ended after it (clock skew, fire-and-forget work) only counts
 *    inside the parent; a child wholly outside its parent is left out with its subtree.
 * 2. Walking back from the root's end, the span's last-finishing child takes the path at
 *    that child's end; the stretch between that end and where we came from is the span's
 *    own time on the path. Inside the child the same rule applies from the child's end.
 * 3. A span with no child left to take the path is on it from its start; the walk then
 *    returns to its parent at that start, where only children that ended by then are
 *    candidates ("at or before": Jaeger's "strictly before" would skip a child that
 *    ended exactly when the next one started, as in back-to-back sequential calls).
 *
 * So every part of a span not covered by a child on the path is on the path, overlapping
 * children that end later than the chosen one started are not. Iterative, O(n log n).
 */
export function computeCriticalPath(spans: readonly CriticalPathSpan[], rootIndex = findCriticalPathRoot(spans)): CriticalPathSegment[] {
  const n = spans.length;
  if (rootIndex < 0 || rootIndex >= n) return [];
  // Clipped times, and the surviving children of each span latest end first, in one list:
  // kept[keptStart[p] … keptStart[p] + keptCount[p] - 1].
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  const keptStart = new Int32Array(n);
  const keptCount = new Int32Array(n);
  const kept = new Int32Array(n);
  const queue = new Int32Array(n);
  start[rootIndex] = spans[rootIndex].offsetNs;
  end[rootIndex] = Math.max(spans[rootIndex].offsetNs, spans[rootIndex].endOffsetNs);
  queue[0] = rootIndex;
  let queued = 1;
  let keptLength = 0;
  const byEndDescending = (a: number, b: number) => end[b] - end[a] || start[b] - start[a] || a - b;
  for (let q = 0; q < queued; q++) {
    const parent = queue[q];
    keptStart[parent] = keptLength;
    for (const child of spans[parent].childIndices) {
      const childStart = spans[child].offsetNs;
      const childEnd = Math.max(childStart, spans[child].endOffsetNs);
      if (childStart > end[parent] || childEnd < start[parent]) continue;
      start[child] = Math.max(childStart, start[parent]);
      end[child] = Math.min(childEnd, end[parent]);
      kept[keptLength++] = child;
      queue[queued++] = child;
    }
    keptCount[parent] = keptLength - keptStart[parent];
    if (keptCount[parent] > 1) kept.subarray(keptStart[parent], keptLength).sort(byEndDescending);
  }

  // Candidates of a span are tried in order of decreasing end, and the time we return to a
  // span at only decreases, so one cursor per span is enough: each child is looked at once.
  const cursor = new Int32Array(n);
  const segments: CriticalPathSegment[] = [];
  const push = (rowIndex: number, segmentStart: number, segmentEnd: number) => {
    if (segmentEnd > segmentStart) segments.push({ rowIndex, startNs: segmentStart, endNs: segmentEnd });
  };
  let current = rootIndex;
  let returningAt = Number.NaN; // NaN: not returning, entering `current` from its end
  for (;;) {
    const first = keptStart[current];
    const count = keptCount[current];
    let position = cursor[current];
    const returning = !Number.isNaN(returningAt);
    if (returning) while (position < count && end[kept[first + position]] > returningAt) position++;
    const sectionEnd = returning ? returningAt : end[current];
    if (position < count) {
      const child = kept[first + position];
      cursor[current] = position + 1;
      push(current, end[child], sectionEnd);
      current = child;
      returningAt = Number.NaN;
      continue;
    }
    cursor[current] = position;
    push(current, start[current], sectionEnd);
    if (current === rootIndex) break;
    returningAt = start[current];
    current = spans[current].parentIndex;
  }
  return segments.reverse();
}

/** Per row index on the critical path: its segments and the total time it has on the path (ns). */
export type CriticalPathByRow = Map<number, { segments: CriticalPathSegment[]; totalNs: number }>;

/** The segments of each span on the path, by row index, and the total time each has on it (ns). */
export function groupCriticalPath(segments: readonly CriticalPathSegment[]): CriticalPathByRow {
  const byRow: CriticalPathByRow = new Map();
  for (const segment of segments) {
    const entry = byRow.get(segment.rowIndex) ?? { segments: [], totalNs: 0 };
    entry.segments.push(segment);
    entry.totalNs += segment.endNs - segment.startNs;
    byRow.set(segment.rowIndex, entry);
  }
  return byRow;
}

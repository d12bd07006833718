/**
 * A layered ("Sugiyama") layout of a directed graph, callers left and callees right:
 *
 * 1. Cycles are broken by reversing the edges a depth-first search finds going back to a node
 *    on its stack (searching from the roots, then the rest, by name), so the drawing stays
 *    left-to-right for every edge but those.
 * 2. Layers by longest path from the roots: a node sits one layer right of its farthest caller.
 * 3. An edge spanning several layers passes through one dummy point per layer in between,
 *    so it can bend around the nodes instead of crossing them.
 * 4. The order within each layer is improved by sweeps that sort by the barycentre (mean
 *    position) of the neighbours in the previous layer, left to right then right to left,
 *    keeping the order with the fewest crossings.
 * 5. Each layer is a column, centred vertically.
 *
 * Pure and deterministic: the same graph gives the same layout.
 */

/** Sizes in the drawing's units (SVG user units, i.e. CSS pixels). */
export interface LayoutOptions {
  nodeWidth: number;
  nodeHeight: number;
  /** Horizontal space between two layers' nodes (edges and their labels go there). */
  layerGap: number;
  /** Vertical space between two nodes of a layer. */
  rowGap: number;
  /** Height a dummy point (an edge passing through a layer) takes. */
  dummyHeight: number;
  /** Space around the drawing. */
  margin: number;
}

/** The service map's sizes: nodes that hold a name and two lines of figures, layer gaps wide enough for an edge's label. */
export const DEFAULT_LAYOUT_OPTIONS: LayoutOptions = { nodeWidth: 180, nodeHeight: 64, layerGap: 210, rowGap: 32, dummyHeight: 24, margin: 24 };

/** A point of the drawing, in LayoutOptions' units from its top-left corner (y grows downwards). */
export interface LayoutPoint {
  x: number;
  y: number;
}

/** A node placed: its top-left corner, layer (column, 0 = leftmost) and row in that layer. */
export interface PlacedNode {
  id: string;
  layer: number;
  order: number;
  x: number;
  y: number;
}

/**
 * An edge routed: `points` run from the source's side to the target's side, through one point
 * per layer crossed. `reversed` marks an edge drawn against the flow (it closes a cycle):
 * it leaves the source's left side and enters the target's right side. A self-loop has
 * `loop` true and no useful points (draw it on the node).
 */
export interface RoutedEdge {
  source: string;
  target: string;
  points: LayoutPoint[];
  reversed: boolean;
  loop: boolean;
}

/** A whole layout: the drawing's size (margins included), every node placed and every edge routed. */
export interface GraphLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: RoutedEdge[];
  /** Edge crossings left between adjacent layers (for tests and diagnostics). */
  crossings: number;
}

interface LayoutEdge {
  source: string;
  target: string;
}

const SWEEPS = 12;

/**
 * Lays out `nodeIds` and `edges` (unknown endpoints and duplicate edges are ignored) from
 * left to right. Units are `options`' units; every node is `nodeWidth` by `nodeHeight`.
 */
export function layoutServiceGraph(nodeIds: readonly string[], edges: readonly LayoutEdge[], options: LayoutOptions = DEFAULT_LAYOUT_OPTIONS): GraphLayout {
  const ids = [...new Set(nodeIds)].sort(compareText);
  const known = new Set(ids);
  const unique = new Map<string, LayoutEdge>();
  for (const edge of edges) {
    if (known.has(edge.source) && known.has(edge.target)) unique.set(`${edge.source}\u0000${edge.target}`, edge);
  }
  const graphEdges = [...unique.values()];
  const reversedKeys = findBackEdges(ids, graphEdges.filter((e) => e.source !== e.target));

  // The acyclic graph the layers are built on: back edges turned around, self-loops left out.
  const dag = graphEdges
    .filter((e) => e.source !== e.target)
    .map((e) => (reversedKeys.has(edgeKey(e)) ? { from: e.target, to: e.source, edge: e } : { from: e.source, to: e.target, edge: e }));
  const layerOf = assignLayers(ids, dag);

  // Proper layered graph: chains of dummy vertices for edges spanning layers.
  const vertexLayer = new Map<string, number>(ids.map((id) => [id, layerOf.get(id)!]));
  const chains = new Map<LayoutEdge, string[]>();
  const links: Array<{ from: string; to: string }> = [];
  dag.forEach(({ from, to, edge }, index) => {
    const chain = [from];
    for (let layer = layerOf.get(from)! + 1; layer < layerOf.get(to)!; layer++) {
      const dummy = `\u0000dummy:${index}:${layer}`;
      vertexLayer.set(dummy, layer);
      chain.push(dummy);
    }
    chain.push(to);
    for (let i = 1; i < chain.length; i++) links.push({ from: chain[i - 1], to: chain[i] });
    chains.set(edge, chain);
  });

  const layerCount = Math.max(0, ...vertexLayer.values()) + 1;
  const layers: string[][] = Array.from({ length: ids.length === 0 ? 0 : layerCount }, () => []);
  // Initial order: depth-first from the roots, so connected nodes start near each other.
  for (const id of initialOrder(ids, links)) layers[vertexLayer.get(id)!].push(id);
  for (const [id, layer] of vertexLayer) if (!layers[layer].includes(id)) layers[layer].push(id);

  const ordered = orderLayers(layers, links);
  const crossings = countAllCrossings(ordered, links);

  // Coordinates: columns of width nodeWidth + layerGap; rows stacked and centred.
  const { nodeWidth, nodeHeight, layerGap, rowGap, dummyHeight, margin } = options;
  const heightOf = (id: string) => (isDummy(id) ? dummyHeight : nodeHeight);
  const columnHeights = ordered.map((layer) => layer.reduce((h, id, i) => h + heightOf(id) + (i > 0 ? rowGap : 0), 0));
  const height = Math.max(nodeHeight, ...columnHeights) + 2 * margin;
  const position = new Map<string, { x: number; y: number; order: number; layer: number }>();
  ordered.forEach((layer, layerIndex) => {
    let y = margin + (height - 2 * margin - columnHeights[layerIndex]) / 2;
    layer.forEach((id, order) => {
      position.set(id, { x: margin + layerIndex * (nodeWidth + layerGap), y, order, layer: layerIndex });
      y += heightOf(id) + rowGap;
    });
  });
  const width = ids.length === 0 ? 2 * margin : 2 * margin + layerCount * nodeWidth + (layerCount - 1) * layerGap;

  const placed: PlacedNode[] = ids.map((id) => {
    const p = position.get(id)!;
    return { id, layer: p.layer, order: p.order, x: p.x, y: p.y };
  });
  const routed: RoutedEdge[] = graphEdges.map((edge) => {
    if (edge.source === edge.target) return { source: edge.source, target: edge.target, points: [], reversed: false, loop: true };
    const chain = chains.get(edge)!;
    // The chain runs left to right; a reversed edge is drawn from its source on the right.
    const points = chain.map((id, i): LayoutPoint => {
      const p = position.get(id)!;
      if (isDummy(id)) return { x: p.x + nodeWidth / 2, y: p.y + dummyHeight / 2 };
      return { x: i === 0 ? p.x + nodeWidth : p.x, y: p.y + nodeHeight / 2 };
    });
    const reversed = reversedKeys.has(edgeKey(edge));
    return { source: edge.source, target: edge.target, points: reversed ? points.reverse() : points, reversed, loop: false };
  });
  return { width, height, nodes: placed, edges: routed, crossings };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function edgeKey(edge: LayoutEdge): string {
  return `${edge.source}\u0000${edge.target}`;
}

function isDummy(id: string): boolean {
  return id.startsWith('\u0000dummy:');
}

/** Edges that close a cycle, found by an iterative depth-first search from the roots first, then every other node, by name. */
function findBackEdges(ids: readonly string[], edges: readonly LayoutEdge[]): Set<string> {
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  const indegree = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const e of edges) {
    out.get(e.source)!.push(e.target);
    indegree.set(e.target, indegree.get(e.target)! + 1);
  }
  for (const list of out.values()) list.sort(compareText);
  const state = new Map<string, 'active' | 'done'>();
  const back = new Set<string>();
  const starts = [...ids.filter((id) => indegree.get(id) === 0), ...ids];
  for (const start of starts) {
    if (state.has(start)) continue;
    const stack: Array<{ id: string; next: number }> = [{ id: start, next: 0 }];
    state.set(start, 'active');
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const targets = out.get(top.id)!;
      if (top.next >= targets.length) {
        state.set(top.id, 'done');
        stack.pop();
        continue;
      }
      const target = targets[top.next++];
      const seen = state.get(target);
      if (seen === 'active') back.add(edgeKey({ source: top.id, target }));
      else if (seen === undefined) {
        state.set(target, 'active');
        stack.push({ id: target, next: 0 });
      }
    }
  }
  return back;
}

/** Longest-path layers of an acyclic graph: roots at 0, every other node one right of its farthest predecessor. */
function assignLayers(ids: readonly string[], dag: ReadonlyArray<{ from: string; to: string }>): Map<string, number> {
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  const indegree = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const { from, to } of dag) {
    out.get(from)!.push(to);
    indegree.set(to, indegree.get(to)! + 1);
  }
  const layer = new Map<string, number>(ids.map((id) => [id, 0]));
  const queue = ids.filter((id) => indegree.get(id) === 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    for (const to of out.get(id)!) {
      layer.set(to, Math.max(layer.get(to)!, layer.get(id)! + 1));
      indegree.set(to, indegree.get(to)! - 1);
      if (indegree.get(to) === 0) queue.push(to);
    }
  }
  return layer;
}

/** Vertices in depth-first order from the roots (by name), then any left. */
function initialOrder(ids: readonly string[], links: ReadonlyArray<{ from: string; to: string }>): string[] {
  const out = new Map<string, string[]>();
  const hasIncoming = new Set<string>();
  for (const { from, to } of links) {
    out.set(from, [...(out.get(from) ?? []), to]);
    hasIncoming.add(to);
  }
  const seen = new Set<string>();
  const order: string[] = [];
  const visit = (start: string) => {
    const stack = [start];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      order.push(id);
      // Pushed in reverse so that the first child (by name) is visited first.
      const children = [...(out.get(id) ?? [])].sort((a, b) => compareText(displayKey(a), displayKey(b)));
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  };
  for (const id of ids) if (!hasIncoming.has(id)) visit(id);
  for (const id of ids) visit(id);
  return order;
}

/** Dummies sort after real nodes when names tie-break, in a stable way. */
function displayKey(id: string): string {
  return isDummy(id) ? `\uffff${id}` : id;
}

/** Barycentre sweeps (down, then up), keeping the order with the fewest crossings. */
function orderLayers(initial: string[][], links: ReadonlyArray<{ from: string; to: string }>): string[][] {
  const preds = new Map<string, string[]>();
  const succs = new Map<string, string[]>();
  for (const { from, to } of links) {
    preds.set(to, [...(preds.get(to) ?? []), from]);
    succs.set(from, [...(succs.get(from) ?? []), to]);
  }
  let best = initial.map((layer) => [...layer]);
  let bestCrossings = countAllCrossings(best, links);
  const current = best.map((layer) => [...layer]);
  for (let sweep = 0; sweep < SWEEPS && bestCrossings > 0; sweep++) {
    const down = sweep % 2 === 0;
    const range = down ? current.map((_, i) => i).slice(1) : current.map((_, i) => i).reverse().slice(1);
    for (const layerIndex of range) {
      const fixed = current[down ? layerIndex - 1 : layerIndex + 1];
      const positionOf = new Map(fixed.map((id, i) => [id, i]));
      const neighbours = down ? preds : succs;
      const layer = current[layerIndex];
      const barycentre = new Map<string, number>();
      layer.forEach((id, i) => {
        const placed = (neighbours.get(id) ?? []).map((n) => positionOf.get(n)).filter((p): p is number => p !== undefined);
        // A vertex without neighbours on that side keeps its place.
        barycentre.set(id, placed.length === 0 ? i : placed.reduce((s, p) => s + p, 0) / placed.length);
      });
      const original = new Map(layer.map((id, i) => [id, i]));
      current[layerIndex] = [...layer].sort((a, b) => barycentre.get(a)! - barycentre.get(b)! || original.get(a)! - original.get(b)!);
    }
    const crossings = countAllCrossings(current, links);
    if (crossings < bestCrossings) {
      best = current.map((layer) => [...layer]);
      bestCrossings = crossings;
    }
  }
  return best;
}

/** Crossings between every pair of adjacent layers: two links cross when their ends are in opposite orders. */
function countAllCrossings(layers: readonly string[][], links: ReadonlyArray<{ from: string; to: string }>): number {
  const position = new Map<string, number>();
  for (const layer of layers) layer.forEach((id, i) => position.set(id, i));
  const layerOf = new Map<string, number>();
  layers.forEach((layer, i) => layer.forEach((id) => layerOf.set(id, i)));
  const byLayer = new Map<number, Array<[number, number]>>();
  for (const { from, to } of links) {
    const layer = layerOf.get(from)!;
    byLayer.set(layer, [...(byLayer.get(layer) ?? []), [position.get(from)!, position.get(to)!]]);
  }
  let crossings = 0;
  for (const pairs of byLayer.values()) {
    for (let i = 0; i < pairs.length; i++) {
      for (let j = i + 1; j < pairs.length; j++) {
        const [a1, b1] = pairs[i];
        const [a2, b2] = pairs[j];
        if ((a1 - a2) * (b1 - b2) < 0) crossings++;
      }
    }
  }
  return crossings;
}

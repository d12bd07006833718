import { describe, expect, it } from 'vitest';
import { DEFAULT_LAYOUT_OPTIONS, layoutServiceGraph, type GraphLayout } from './service-graph-layout.js';

const e = (source: string, target: string) => ({ source, target });
const layerOf = (layout: GraphLayout) => Object.fromEntries(layout.nodes.map((n) => [n.id, n.layer]));
const columnOf = (layout: GraphLayout, layer: number) =>
  layout.nodes
    .filter((n) => n.layer === layer)
    .sort((a, b) => a.order - b.order)
    .map((n) => n.id);

describe('layoutServiceGraph', () => {
  it('puts callers left of callees by longest path from the roots', () => {
    const layout = layoutServiceGraph(['payment', 'frontend', 'order', 'db', 'mobile'], [e('frontend', 'order'), e('order', 'payment'), e('order', 'db'), e('mobile', 'order'), e('frontend', 'db')]);
    expect(layerOf(layout)).toEqual({ db: 2, frontend: 0, mobile: 0, order: 1, payment: 2 });
    // Columns: x grows with the layer; every edge runs left to right.
    const { nodeWidth, layerGap, margin } = DEFAULT_LAYOUT_OPTIONS;
    for (const node of layout.nodes) expect(node.x).toBe(margin + node.layer * (nodeWidth + layerGap));
    for (const edge of layout.edges) {
      expect(edge.reversed).toBe(false);
      for (let i = 1; i < edge.points.length; i++) expect(edge.points[i].x).toBeGreaterThan(edge.points[i - 1].x);
    }
    expect(layout.width).toBe(2 * margin + 3 * nodeWidth + 2 * layerGap);
  });

  it('routes an edge that spans layers through one point per layer in between', () => {
    const layout = layoutServiceGraph(['a', 'b', 'c', 'd'], [e('a', 'b'), e('b', 'c'), e('c', 'd'), e('a', 'd')]);
    const long = layout.edges.find((x) => x.source === 'a' && x.target === 'd')!;
    expect(long.points).toHaveLength(4);
    const a = layout.nodes.find((n) => n.id === 'a')!;
    const d = layout.nodes.find((n) => n.id === 'd')!;
    expect(long.points[0]).toEqual({ x: a.x + DEFAULT_LAYOUT_OPTIONS.nodeWidth, y: a.y + DEFAULT_LAYOUT_OPTIONS.nodeHeight / 2 });
    expect(long.points[3]).toEqual({ x: d.x, y: d.y + DEFAULT_LAYOUT_OPTIONS.nodeHeight / 2 });
    // The bends do not sit on a node of their layer.
    for (const point of long.points.slice(1, 3)) {
      for (const node of layout.nodes) {
        const inside = point.x >= node.x && point.x <= node.x + DEFAULT_LAYOUT_OPTIONS.nodeWidth && point.y >= node.y && point.y <= node.y + DEFAULT_LAYOUT_OPTIONS.nodeHeight;
        expect(inside, `${JSON.stringify(point)} inside ${node.id}`).toBe(false);
      }
    }
  });

  it('breaks cycles by reversing the edge that closes them, and keeps self-loops apart', () => {
    const layout = layoutServiceGraph(['gateway', 'orders', 'stock'], [e('gateway', 'orders'), e('orders', 'stock'), e('stock', 'orders'), e('stock', 'stock')]);
    expect(layerOf(layout)).toEqual({ gateway: 0, orders: 1, stock: 2 });
    const back = layout.edges.find((x) => x.source === 'stock' && x.target === 'orders')!;
    expect(back.reversed).toBe(true);
    // Drawn right to left: from stock's left side to orders' right side.
    expect(back.points[0].x).toBeGreaterThan(back.points[back.points.length - 1].x);
    expect(layout.edges.find((x) => x.source === 'stock' && x.target === 'stock')).toMatchObject({ loop: true, points: [] });
    // A cycle with no root at all is laid out too.
    const ring = layoutServiceGraph(['x', 'y', 'z'], [e('x', 'y'), e('y', 'z'), e('z', 'x')]);
    expect(new Set(Object.values(layerOf(ring)))).toEqual(new Set([0, 1, 2]));
    expect(ring.edges.filter((x) => x.reversed)).toHaveLength(1);
  });

  it('orders each layer by barycentre so that edges do not cross when they need not', () => {
    // Named so that alphabetical order crosses every pair: a→z, b→y, c→x.
    const layout = layoutServiceGraph(['a', 'b', 'c', 'x', 'y', 'z'], [e('a', 'z'), e('b', 'y'), e('c', 'x')]);
    expect(layout.crossings).toBe(0);
    const left = columnOf(layout, 0);
    const right = columnOf(layout, 1);
    expect(right).toEqual(left.map((id) => ({ a: 'z', b: 'y', c: 'x' })[id]));
    // A bigger graph: two clusters whose names interleave.
    const edges = [e('f1', 's3'), e('f1', 's4'), e('f2', 's1'), e('f2', 's2'), e('s1', 'd2'), e('s2', 'd2'), e('s3', 'd1'), e('s4', 'd1')];
    const clusters = layoutServiceGraph(['f1', 'f2', 's1', 's2', 's3', 's4', 'd1', 'd2'], edges);
    expect(clusters.crossings).toBe(0);
  });

  it('stacks a layer centred vertically and sizes the drawing to hold it', () => {
    const { nodeHeight, rowGap, margin } = DEFAULT_LAYOUT_OPTIONS;
    const layout = layoutServiceGraph(['hub', 'a', 'b', 'c'], [e('hub', 'a'), e('hub', 'b'), e('hub', 'c')]);
    expect(layout.height).toBe(2 * margin + 3 * nodeHeight + 2 * rowGap);
    const hub = layout.nodes.find((n) => n.id === 'hub')!;
    expect(hub.y + nodeHeight / 2).toBe(layout.height / 2);
    const ys = columnOf(layout, 1).map((id) => layout.nodes.find((n) => n.id === id)!.y);
    expect(ys).toEqual([margin, margin + nodeHeight + rowGap, margin + 2 * (nodeHeight + rowGap)]);
  });

  it('handles lone nodes, unknown endpoints, duplicates and an empty graph, deterministically', () => {
    const layout = layoutServiceGraph(['solo', 'a', 'b'], [e('a', 'b'), e('a', 'b'), e('a', 'ghost')]);
    expect(layerOf(layout)).toEqual({ a: 0, b: 1, solo: 0 });
    expect(layout.edges).toHaveLength(1);
    expect(layoutServiceGraph(['b', 'a', 'solo'], [e('a', 'ghost'), e('a', 'b')])).toEqual(layout);
    expect(layoutServiceGraph([], [])).toMatchObject({ nodes: [], edges: [], crossings: 0 });
  });
});

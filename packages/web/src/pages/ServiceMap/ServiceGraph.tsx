import { useMemo, useState } from 'react';
import { Link } from '../../components/Link';
import { formatDurationNs, formatPercent, formatRate } from '../../model/format';
import { classifyHealth, describeNodeKind, isVirtualNode, type Graph, type GraphEdge, type GraphNode, type Health } from '../../model/service-graph';
import { DEFAULT_LAYOUT_OPTIONS, layoutServiceGraph, type LayoutPoint, type RoutedEdge } from '../../model/service-graph-layout';
import { buildEdgeHref, buildNodeHref } from '../../model/service-graph-links';
import type { TimeRange } from '../../model/time-range';

const LAYOUT = DEFAULT_LAYOUT_OPTIONS;
const { nodeWidth: NODE_W, nodeHeight: NODE_H } = LAYOUT;
const MAX_NAME_CHARS = 22;
/** A reversed edge (closing a cycle) is drawn this far below its forward twin, so both stay visible. */
const REVERSED_OFFSET = 10;
/** Height a self-loop's arc and label take above a node. */
const LOOP_ROOM = 48;
const HEALTHS: Health[] = ['ok', 'warning', 'critical', 'idle'];
/**
 * Baselines of a node's text lines by kind: a database's cylinder top takes the first 16
 * units (its shape says "database"), other virtual nodes name their kind above the name.
 */
const TEXT_LINES: Record<GraphNode['kind'], { kind?: number; name: number; figures: number; p95: number }> = {
  service: { name: 22, figures: 40, p95: 55 },
  database: { name: 32, figures: 46, p95: 58 },
  messaging: { kind: 16, name: 30, figures: 44, p95: 57 },
  external: { kind: 16, name: 30, figures: 44, p95: 57 },
};

/** A stable key (and DOM id part) for an edge. */
export function edgeKeyOf(edge: Pick<GraphEdge, 'source' | 'target'>): string {
  return `${edge.source}→${edge.target}`;
}

/** `name`, shortened with an ellipsis to fit a node. */
function fitName(name: string): string {
  return name.length <= MAX_NAME_CHARS ? name : `${name.slice(0, MAX_NAME_CHARS - 1)}…`;
}

/** A smooth left-to-right curve through `points` (horizontal tangents at each point). */
function curveThrough(points: LayoutPoint[]): string {
  let d = `M ${points[0].x} ${points[0].y}`;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    const dx = (b.x - a.x) / 2;
    d += ` C ${a.x + dx} ${a.y}, ${b.x - dx} ${b.y}, ${b.x} ${b.y}`;
  }
  return d;
}

/** Where an edge's label goes: the middle bend, or the middle of a single curve (symmetric, so the chord's midpoint). */
function labelPoint(points: LayoutPoint[]): LayoutPoint {
  if (points.length > 2) return points[Math.floor(points.length / 2)];
  return { x: (points[0].x + points[1].x) / 2, y: (points[0].y + points[1].y) / 2 };
}

/** A loop over the top of a node, for a service calling itself (a peer named like it). */
function loopPath(x: number, y: number): string {
  const left = x + NODE_W * 0.38;
  const right = x + NODE_W * 0.62;
  return `M ${right} ${y} C ${right + 18} ${y - 42}, ${left - 18} ${y - 42}, ${left} ${y}`;
}

/** The label an edge shows: calls/s · error % · p95. */
function edgeLabelParts(edge: GraphEdge): { rate: string; errors: string; p95: string } {
  return { rate: `${formatRate(edge.callsPerSecond)}/s`, errors: formatPercent(edge.errorRate), p95: edge.p95DurationNs === null ? '–' : formatDurationNs(edge.p95DurationNs) };
}

/** An edge's accessible name: who calls whom, then the label it shows (so the visible words are in the name). */
export function describeEdge(edge: GraphEdge, target: GraphNode | undefined): string {
  const { rate, errors, p95 } = edgeLabelParts(edge);
  const to = target !== undefined && isVirtualNode(target) ? `${target.name} (${describeNodeKind(target.kind)})` : edge.target;
  return `${edge.source} calls ${to}: ${rate} · ${errors} · ${p95} (calls, errors, p95). Opens its traces`;
}

/**
 * The lines a node shows, top to bottom (the kind only on messaging and external nodes: a
 * database's shape says it). Each line's element ends with a space, which SVG does not draw,
 * so that the text read from the DOM keeps its words apart, as the accessible name does.
 */
function nodeLines(node: GraphNode): { kind?: string; name: string; rate: string; errors: string; p95: string } {
  return {
    kind: node.kind === 'messaging' || node.kind === 'external' ? node.kind : undefined,
    name: fitName(node.name),
    rate: `${formatRate(node.requestsPerSecond)} req/s · `,
    errors: `${formatPercent(node.errorRate)} err`,
    p95: `p95 ${node.p95DurationNs === null ? '–' : formatDurationNs(node.p95DurationNs)}`,
  };
}

/** A node's accessible name: the words it shows, the full name when shortened, and where it leads. */
export function describeNode(node: GraphNode): string {
  const lines = nodeLines(node);
  const shown = [lines.kind, lines.name, `${lines.rate}${lines.errors}`, lines.p95].filter((t) => t !== undefined).join(' ');
  const full = lines.name === node.name ? '' : ` (${node.name})`;
  const where = isVirtualNode(node) ? `${describeNodeKind(node.kind)}, not instrumented: opens the traces calling it` : 'Opens the service';
  return `${shown}${full}. ${where}`;
}

/**
 * The service map drawn in SVG: nodes laid out by call direction (model/service-graph-layout),
 * edges as arrows whose colour is their health and width their share of the busiest edge.
 * Every node and edge is a link (keyboard-focusable, with an aria-label stating its figures);
 * hovering or focusing a node highlights its edges and neighbours.
 */
export function ServiceGraph({ graph, range }: { graph: Graph; range: TimeRange }) {
  const [active, setActive] = useState<string | undefined>(undefined);
  const layout = useMemo(() => layoutServiceGraph(graph.nodes.map((n) => n.name), graph.edges), [graph]);
  const nodeByName = useMemo(() => new Map(graph.nodes.map((n) => [n.name, n])), [graph]);
  const edgeByKey = useMemo(() => new Map(graph.edges.map((e) => [edgeKeyOf(e), e])), [graph]);
  const maxCalls = Math.max(1, ...graph.edges.map((e) => e.calls));

  const related = useMemo(() => {
    if (active === undefined) return undefined;
    const names = new Set([active]);
    for (const e of graph.edges) if (e.source === active || e.target === active) names.add(e.source).add(e.target);
    return names;
  }, [active, graph]);
  const edgeClass = (e: RoutedEdge) => {
    if (related === undefined) return '';
    return e.source === active || e.target === active ? ' sm-related' : ' sm-dimmed';
  };

  // Room above the top row for a self-loop's arc.
  const top = layout.edges.some((e) => e.loop) ? LOOP_ROOM : 0;
  return (
    <svg
      width={layout.width}
      height={layout.height + top}
      viewBox={`0 ${-top} ${layout.width} ${layout.height + top}`}
      role="group"
      aria-label={`Service map: ${graph.nodes.length} nodes, ${graph.edges.length} edges`}
      onMouseLeave={() => setActive(undefined)}
    >
      <defs>
        {HEALTHS.map((health) => (
          <marker key={health} id={`sm-arrow-${health}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" className={`sm-arrowhead sm-health-${health}`} />
          </marker>
        ))}
      </defs>
      <g className="sm-edges">
        {layout.edges.map((routed) => {
          const edge = edgeByKey.get(edgeKeyOf(routed))!;
          const target = nodeByName.get(edge.target);
          const health = classifyHealth(edge.calls, edge.errorRate);
          const strokeWidth = 1.5 + 4.5 * Math.sqrt(edge.calls / maxCalls);
          let d: string;
          let label: LayoutPoint;
          if (routed.loop) {
            const node = layout.nodes.find((n) => n.id === edge.source)!;
            d = loopPath(node.x, node.y);
            label = { x: node.x + NODE_W / 2, y: node.y - 36 };
          } else {
            const points = routed.reversed ? routed.points.map((p) => ({ x: p.x, y: p.y + REVERSED_OFFSET })) : routed.points;
            d = curveThrough(points);
            label = labelPoint(points);
          }
          const parts = edgeLabelParts(edge);
          return (
            <Link
              key={edgeKeyOf(edge)}
              href={buildEdgeHref(edge, target, range)}
              className={`sm-edge sm-health-${health}${routed.reversed ? ' sm-edge-reversed' : ''}${edgeClass(routed)}`}
              data-edge={edgeKeyOf(edge)}
              data-health={health}
              aria-label={describeEdge(edge, target)}
            >
              <path className="sm-edge-hit" d={d} />
              <path className="sm-edge-line" d={d} strokeWidth={strokeWidth} markerEnd={`url(#sm-arrow-${health})`} />
              <text className="sm-edge-label" x={label.x} y={label.y - strokeWidth / 2 - 4} textAnchor="middle">
                {parts.rate} · <tspan className="sm-edge-errors">{parts.errors}</tspan> · {parts.p95}
              </text>
            </Link>
          );
        })}
      </g>
      <g className="sm-nodes">
        {layout.nodes.map((placed) => {
          const node = nodeByName.get(placed.id)!;
          const health = classifyHealth(node.requests, node.errorRate);
          const virtual = isVirtualNode(node);
          const dimmed = related !== undefined && !related.has(node.name);
          const textX = virtual ? 12 : 16;
          const at = TEXT_LINES[node.kind];
          const text = nodeLines(node);
          return (
            <Link
              key={node.name}
              href={buildNodeHref(node, range)}
              className={`sm-node sm-health-${health} sm-node-${node.kind}${virtual ? ' sm-node-virtual' : ''}${node.kind === 'messaging' || node.kind === 'external' ? ' sm-node-dashed' : ''}${dimmed ? ' sm-dimmed' : ''}`}
              data-node={node.name}
              data-kind={node.kind}
              data-health={health}
              aria-label={describeNode(node)}
              onMouseEnter={() => setActive(node.name)}
              onFocus={() => setActive(node.name)}
              onBlur={() => setActive(undefined)}
            >
              <g transform={`translate(${placed.x} ${placed.y})`}>
                {text.name !== node.name && <title>{node.name}</title>}
                {node.kind === 'database' ? (
                  <>
                    <path className="sm-node-shape" d={`M 0 8 A ${NODE_W / 2} 8 0 0 1 ${NODE_W} 8 L ${NODE_W} ${NODE_H - 8} A ${NODE_W / 2} 8 0 0 1 0 ${NODE_H - 8} Z`} />
                    <path className="sm-node-shape" d={`M 0 8 A ${NODE_W / 2} 8 0 0 0 ${NODE_W} 8`} fill="none" />
                  </>
                ) : (
                  <rect className="sm-node-shape" width={NODE_W} height={NODE_H} rx={virtual ? 14 : 8} />
                )}
                {!virtual && <rect className="sm-node-bar" x={1} y={1} width={6} height={NODE_H - 2} rx={3} />}
                {text.kind !== undefined && (
                  <text className="sm-node-kind" x={textX} y={at.kind}>
                    {text.kind}{' '}
                  </text>
                )}
                <text className="sm-node-name" x={textX} y={at.name}>
                  {text.name}{' '}
                </text>
                <text className="sm-node-figures" x={textX} y={at.figures}>
                  {text.rate}
                  <tspan className="sm-node-errors">{text.errors}</tspan>{' '}
                </text>
                <text className="sm-node-figures" x={textX} y={at.p95}>
                  {text.p95}
                </text>
              </g>
            </Link>
          );
        })}
      </g>
    </svg>
  );
}

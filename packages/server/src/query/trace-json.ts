import {
  attributesToOtlpJson,
  encodeAttributesJson,
  type InstrumentationScope,
  type Resource,
  type Span,
  type SpanEvent,
  type SpanLink,
} from '@pharos/core';
import type { TraceSummary } from '../storage/index.js';

/**
 * Spans as OTLP/JSON, grouped like an ExportTraceServiceRequest: ids as lowercase hex,
 * times as decimal strings of Unix nanoseconds, kind and status code as integers.
 * Every field is present, also when it holds its default, so clients see one shape.
 */

/** An OTLP/JSON KeyValue. */
export interface OtlpKeyValueJson {
  key: string;
  value: Record<string, unknown>;
}

export interface OtlpResourceJson {
  attributes: OtlpKeyValueJson[];
  droppedAttributesCount: number;
}

export interface OtlpScopeJson {
  name: string;
  version: string;
  attributes: OtlpKeyValueJson[];
  droppedAttributesCount: number;
}

export interface OtlpSpanEventJson {
  timeUnixNano: string;
  name: string;
  attributes: OtlpKeyValueJson[];
  droppedAttributesCount: number;
}

export interface OtlpSpanLinkJson {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: OtlpKeyValueJson[];
  droppedAttributesCount: number;
  flags: number;
}

export interface OtlpSpanJson {
  traceId: string;
  spanId: string;
  traceState: string;
  /** Empty for a root span. */
  parentSpanId: string;
  flags: number;
  name: string;
  /** OTLP SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValueJson[];
  droppedAttributesCount: number;
  events: OtlpSpanEventJson[];
  droppedEventsCount: number;
  links: OtlpSpanLinkJson[];
  droppedLinksCount: number;
  /** OTLP StatusCode: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
}

export interface OtlpScopeSpansJson {
  scope: OtlpScopeJson;
  spans: OtlpSpanJson[];
  schemaUrl: string;
}

export interface OtlpResourceSpansJson {
  resource: OtlpResourceJson;
  scopeSpans: OtlpScopeSpansJson[];
  schemaUrl: string;
}

/** A TraceSummary with times and durations as decimal nanosecond strings. */
export interface TraceSummaryJson {
  traceId: string;
  rootServiceName: string;
  rootSpanName: string;
  startTimeUnixNano: string;
  durationNs: string;
  spanCount: number;
  errorCount: number;
  services: Array<{ name: string; spanCount: number; errorCount: number }>;
}

/** A resource as OTLP/JSON (its schemaUrl belongs to the enclosing ResourceSpans/ResourceLogs). */
export function resourceToOtlpJson(resource: Resource): OtlpResourceJson {
  return { attributes: attributesToOtlpJson(resource.attributes), droppedAttributesCount: resource.droppedAttributesCount };
}

/** An instrumentation scope as OTLP/JSON (its schemaUrl belongs to the enclosing ScopeSpans/ScopeLogs). */
export function scopeToOtlpJson(scope: InstrumentationScope): OtlpScopeJson {
  return { name: scope.name, version: scope.version, attributes: attributesToOtlpJson(scope.attributes), droppedAttributesCount: scope.droppedAttributesCount };
}

/** An identity for grouping equal resources that are different objects. */
export function resourceKeyOf(resource: Resource): string {
  return `${encodeAttributesJson(resource.attributes)}\u0000${resource.droppedAttributesCount}\u0000${resource.schemaUrl}`;
}

function scopeKeyOf(scope: InstrumentationScope): string {
  return [scope.name, scope.version, encodeAttributesJson(scope.attributes), scope.droppedAttributesCount, scope.schemaUrl].join('\u0000');
}

function eventToOtlpJson(event: SpanEvent): OtlpSpanEventJson {
  return {
    timeUnixNano: event.timeUnixNano.toString(),
    name: event.name,
    attributes: attributesToOtlpJson(event.attributes),
    droppedAttributesCount: event.droppedAttributesCount,
  };
}

function linkToOtlpJson(link: SpanLink): OtlpSpanLinkJson {
  return {
    traceId: link.traceId,
    spanId: link.spanId,
    traceState: link.traceState,
    attributes: attributesToOtlpJson(link.attributes),
    droppedAttributesCount: link.droppedAttributesCount,
    flags: link.flags,
  };
}

/** One span as OTLP/JSON (without its resource and scope). */
export function spanToOtlpJson(span: Span): OtlpSpanJson {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    traceState: span.traceState,
    parentSpanId: span.parentSpanId,
    flags: span.flags,
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: span.startTimeUnixNano.toString(),
    endTimeUnixNano: span.endTimeUnixNano.toString(),
    attributes: attributesToOtlpJson(span.attributes),
    droppedAttributesCount: span.droppedAttributesCount,
    events: span.events.map(eventToOtlpJson),
    droppedEventsCount: span.droppedEventsCount,
    links: span.links.map(linkToOtlpJson),
    droppedLinksCount: span.droppedLinksCount,
    status: { code: span.statusCode, message: span.statusMessage },
  };
}

/**
 * Groups spans by resource, then scope, into OTLP/JSON `resourceSpans`, keeping the
 * order in which each resource, scope and span first appears.
 */
export function spansToOtlpJson(spans: Span[]): { resourceSpans: OtlpResourceSpansJson[] } {
  const byResource = new Map<string, { json: OtlpResourceSpansJson; scopes: Map<string, OtlpScopeSpansJson> }>();
  for (const span of spans) {
    const resourceKey = resourceKeyOf(span.resource);
    let group = byResource.get(resourceKey);
    if (group === undefined) {
      group = { json: { resource: resourceToOtlpJson(span.resource), scopeSpans: [], schemaUrl: span.resource.schemaUrl }, scopes: new Map() };
      byResource.set(resourceKey, group);
    }
    const scopeKey = scopeKeyOf(span.scope);
    let scopeSpans = group.scopes.get(scopeKey);
    if (scopeSpans === undefined) {
      scopeSpans = { scope: scopeToOtlpJson(span.scope), spans: [], schemaUrl: span.scope.schemaUrl };
      group.scopes.set(scopeKey, scopeSpans);
      group.json.scopeSpans.push(scopeSpans);
    }
    scopeSpans.spans.push(spanToOtlpJson(span));
  }
  return { resourceSpans: [...byResource.values()].map((g) => g.json) };
}

/** A trace search result as JSON, nanosecond values as decimal strings. */
export function traceSummaryToJson(summary: TraceSummary): TraceSummaryJson {
  return {
    traceId: summary.traceId,
    rootServiceName: summary.rootServiceName,
    rootSpanName: summary.rootSpanName,
    startTimeUnixNano: summary.startTimeUnixNano.toString(),
    durationNs: summary.durationNs.toString(),
    spanCount: summary.spanCount,
    errorCount: summary.errorCount,
    services: summary.services.map((s) => ({ name: s.name, spanCount: s.spanCount, errorCount: s.errorCount })),
  };
}

import type { SpanKind, StatusCode } from '@pharos/core';
import { QueryParams, invalidParam, quoteValue } from '../../query/index.js';
import type { AttributeFilter } from '../../storage/index.js';
import { JAEGER_SPAN_KINDS } from './jaeger-json.js';

/** What Jaeger's tag conditions become in a storage query. */
export interface JaegerTagConditions {
  attributes: AttributeFilter[];
  /** From `error=true` or `otel.status_code=ERROR|OK|UNSET`: the status is a span field, not an attribute. */
  statusCode?: StatusCode;
  /** From `span.kind=server|client|producer|consumer|internal`, which Jaeger shows as a tag. */
  spanKind?: SpanKind;
}

/**
 * Parses a `tags` value in either form Jaeger accepts: a JSON object
 * (`{"http.status_code":"500","error":"true"}`, non-string scalars are taken as text) or
 * logfmt (`http.status_code=500 error=true`, values may be "quoted", a bare key means `key=true`).
 */
export function parseTagsText(name: string, text: string): Array<[string, string]> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return parseJsonTags(name, trimmed);
  return parseLogfmtTags(name, text);
}

function parseJsonTags(name: string, text: string): Array<[string, string]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalidParam(name, `is not valid JSON (${error instanceof Error ? error.message : String(error)}); expected an object such as {"http.status_code":"500"} or logfmt such as http.status_code=500`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidParam(name, 'must be a JSON object of tag names to values');
  const pairs: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (key === '') throw invalidParam(name, 'has an empty tag name');
    if (typeof value === 'string') pairs.push([key, value]);
    else if (typeof value === 'number' || typeof value === 'boolean') pairs.push([key, String(value)]);
    else throw invalidParam(name, `tag ${quoteValue(key)} must have a string, number or boolean value`);
  }
  return pairs;
}

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

function parseLogfmtTags(name: string, text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  let i = 0;
  const readToken = (stopAtEquals: boolean): string => {
    if (text[i] === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length) throw invalidParam(name, `has an unterminated quoted string at position ${i + 1}`);
      let value: unknown;
      try {
        value = JSON.parse(text.slice(i, end + 1));
      } catch {
        throw invalidParam(name, `has a malformed quoted string at position ${i + 1}`);
      }
      i = end + 1;
      return String(value);
    }
    const start = i;
    while (i < text.length && !isSpace(text[i]) && !(stopAtEquals && text[i] === '=')) i++;
    return text.slice(start, i);
  };
  while (i < text.length) {
    if (isSpace(text[i])) {
      i++;
      continue;
    }
    const key = readToken(true);
    if (key === '') throw invalidParam(name, `has a value without a tag name at position ${i + 1}; expected key=value pairs separated by spaces`);
    let value = 'true';
    if (text[i] === '=') {
      i++;
      value = readToken(false);
    }
    if (i < text.length && !isSpace(text[i])) throw invalidParam(name, `expected a space after ${quoteValue(key)}=${quoteValue(value)} at position ${i + 1}`);
    pairs.push([key, value]);
  }
  return pairs;
}

const STATUS_BY_TEXT: Record<string, StatusCode> = { UNSET: 0, OK: 1, ERROR: 2 };

/**
 * Reads Jaeger's tag conditions from `tags` (JSON or logfmt, repeatable) and `tag`
 * (`key:value`, repeatable). `error=true` and `otel.status_code` become a status
 * condition, because Jaeger derives those tags from the span status.
 */
export function parseJaegerTags(params: QueryParams): JaegerTagConditions {
  const pairs: Array<[source: string, key: string, value: string]> = [];
  for (const text of params.many('tags')) {
    for (const [key, value] of parseTagsText('tags', text)) pairs.push(['tags', key, value]);
  }
  for (const text of params.many('tag')) {
    const colon = text.indexOf(':');
    if (colon <= 0) throw invalidParam('tag', `must be key:value, got ${quoteValue(text)}`);
    pairs.push(['tag', text.slice(0, colon), text.slice(colon + 1)]);
  }
  const conditions: JaegerTagConditions = { attributes: [] };
  const setStatus = (name: string, code: StatusCode) => {
    if (conditions.statusCode !== undefined && conditions.statusCode !== code) throw invalidParam(name, 'asks for two different span statuses');
    conditions.statusCode = code;
  };
  for (const [source, key, value] of pairs) {
    if (key === 'error' && value.trim().toLowerCase() === 'true') {
      setStatus(source, 2);
    } else if (key === 'otel.status_code') {
      const code = STATUS_BY_TEXT[value.trim().toUpperCase()];
      if (code === undefined) throw invalidParam(source, `otel.status_code must be OK, ERROR or UNSET, got ${quoteValue(value)}`);
      setStatus(source, code);
    } else if (key === 'span.kind') {
      const kind = JAEGER_SPAN_KINDS.indexOf(value.trim().toLowerCase());
      if (kind <= 0) throw invalidParam(source, `span.kind must be one of server, client, producer, consumer, internal, got ${quoteValue(value)}`);
      conditions.spanKind = kind as SpanKind;
    } else {
      conditions.attributes.push({ key, op: '=', value });
    }
  }
  return conditions;
}

/** Parses Jaeger's `spanKind` filter (server, client, producer, consumer, internal); undefined when absent. */
export function parseJaegerSpanKind(params: QueryParams): number | undefined {
  const text = params.one('spanKind');
  if (text === undefined) return undefined;
  const kind = JAEGER_SPAN_KINDS.indexOf(text.trim().toLowerCase());
  if (kind <= 0) throw invalidParam('spanKind', `must be one of server, client, producer, consumer, internal, got ${quoteValue(text)}`);
  return kind;
}

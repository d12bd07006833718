import { UpstreamError } from './errors.js';

/** One call to another service. */
export interface JsonRequest {
  /** Name of the called service, for error messages (e.g. `payment`). */
  upstream: string;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Absolute URL. */
  url: string;
  /** Sent as JSON when present. */
  body?: unknown;
  /** Abort the call after this many milliseconds (connect + response + body). */
  timeoutMs: number;
  headers?: Record<string, string>;
}

/**
 * Calls another service with the global fetch and returns its parsed JSON body (undefined for
 * an empty body). Throws an UpstreamError: kind `http` with the status for a non-2xx answer,
 * `timeout` when `timeoutMs` elapsed, `unreachable` when no answer came (refused, reset).
 */
export async function requestJson<T>(request: JsonRequest): Promise<T> {
  const { upstream, method = 'GET', url, body, timeoutMs } = request;
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    // The cause is folded into the message rather than attached: loggers print both otherwise.
    if (isTimeout(error)) {
      throw new UpstreamError(upstream, 'timeout', `${upstream} did not answer ${method} ${pathOf(url)} within ${timeoutMs} ms`);
    }
    throw new UpstreamError(upstream, 'unreachable', `${upstream} unreachable for ${method} ${pathOf(url)}: ${describeCause(error)}`);
  }
  const parsed = parseJson(text);
  if (!response.ok) {
    const detail = parsed && typeof parsed === 'object' && 'error' in parsed ? String(parsed.error) : response.statusText;
    throw new UpstreamError(upstream, 'http', `${upstream} answered ${response.status} to ${method} ${pathOf(url)}: ${detail}`, response.status, parsed);
  }
  return parsed as T;
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return { error: text.slice(0, 200) };
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

// fetch reports "fetch failed" and hides the useful part (ECONNREFUSED, ECONNRESET) in `cause`.
function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: string }).code;
    return code ? `${code} ${cause.message}` : cause.message;
  }
  return error.message;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/** Thrown when the control API answers an error or cannot be reached; the message is for people. */
export class ControlApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ControlApiError';
  }
}

/**
 * Calls the control API at `baseUrl` (e.g. http://127.0.0.1:8081) and returns the parsed JSON
 * answer. `body` is sent as JSON. Throws a ControlApiError with the API's message, or saying
 * the shop does not seem to run when nothing answers.
 */
export async function requestControl(baseUrl: string, method: 'GET' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(new URL(path, baseUrl), {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      // A bad-deploy waits for the new release to start, which can take a while.
      signal: AbortSignal.timeout(120_000),
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
    throw new ControlApiError(`cannot reach the demo's control API at ${baseUrl} (${cause}); is the shop running (npm run demo)? Use --control URL for another address`);
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    parsed = text;
  }
  if (!response.ok) {
    const message =
      parsed && typeof parsed === 'object' && 'error' in parsed && parsed.error && typeof parsed.error === 'object' && 'message' in parsed.error
        ? String(parsed.error.message)
        : `HTTP ${response.status}`;
    throw new ControlApiError(message, response.status);
  }
  return parsed;
}

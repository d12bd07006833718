import type { ReactNode } from 'react';

/** Shown while a request runs. */
export function Loading({ what }: { what: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

/** Shown when a request failed: what failed and the server's message. */
export function ErrorView({ what, error }: { what: string; error: Error }) {
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  return (
    <div className="state state-error" role="alert">
      <strong>Could not load {what}.</strong> {error.message}
      {code !== undefined && <div className="muted">{code}</div>}
    </div>
  );
}

/** Shown when there is nothing to show; says how to send data when that is the likely cause. */
export function EmptyState({ title, children, showSendData = false }: { title: string; children?: ReactNode; showSendData?: boolean }) {
  return (
    <div className="state state-empty">
      <h2>{title}</h2>
      {children}
      {showSendData && (
        <>
          <p>Point any OpenTelemetry SDK or Collector at Pharos:</p>
          <pre>
            <code>{'export OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318\nexport OTEL_SERVICE_NAME=checkout'}</code>
          </pre>
          <p>
            or start the demo shop, which sends traces, logs and metrics: <code>npm run demo</code>
          </p>
        </>
      )}
    </div>
  );
}

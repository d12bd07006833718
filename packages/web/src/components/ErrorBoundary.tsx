import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorView } from './StateViews';

/**
 * Catches an error thrown while rendering a page and shows it as the page's error state, so that
 * a bug in one page never blanks the whole app: the header stays usable. Give it a `key` that
 * changes with the page (the path) so that navigating away starts afresh.
 */
export class ErrorBoundary extends Component<{ what: string; children: ReactNode }, { error: Error | undefined }> {
  override state: { error: Error | undefined } = { error: undefined };

  static getDerivedStateFromError(error: unknown): { error: Error } {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // Kept in the console for whoever reports the bug.
    console.error(`Pharos: rendering ${this.props.what} failed`, error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error === undefined) return this.props.children;
    return (
      <section>
        <ErrorView what={this.props.what} error={this.state.error} />
        <p className="muted">This is a bug in the Pharos UI. Reloading the page may help; the URL keeps what you were looking at.</p>
      </section>
    );
  }
}

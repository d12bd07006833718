import { lazy, useState, type ComponentType } from 'react';

/** A page component whose script loads on first use, and how to start that load early. */
export type LazyPage<P extends object> = ComponentType<P> & { preload(): Promise<void> };

/**
 * A page in its own script chunk, loaded when first shown or when `preload()` is called
 * (main.tsx preloads the page the URL opens before the first render). Once the chunk is in,
 * the page renders directly instead of through Suspense: React keeps a fallback it has shown
 * for at least 300 ms, which would cost every first page view that much.
 */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): LazyPage<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  const start = () =>
    (loading ??= load().then(
      (component) => (loaded = component),
      (error: unknown) => {
        loading = undefined; // a failed chunk load may be retried on the next visit
        throw error;
      },
    ));
  const Suspending = lazy(() => start().then((component) => ({ default: component })));
  function Page(props: P) {
    // Chosen once per mount: switching from the lazy wrapper to the loaded component later
    // would remount the page and lose its state.
    const [Component] = useState<ComponentType<P>>(() => loaded ?? (Suspending as unknown as ComponentType<P>));
    return <Component {...props} />;
  }
  return Object.assign(Page, { preload: () => start().then(() => undefined) });
}

/**
 * Loose types for the browser globals that browser tests use inside page.evaluate callbacks.
 * The tests compile without TypeScript's DOM library (it would change Node's types for every
 * test), so a test declares what its in-page code touches, module-locally:
 *
 *   declare const document: PageDocument;
 *   declare const window: PageWindow;
 *
 * The callbacks run in Chromium, where these names are the real globals.
 */
export interface PageElement {
  tagName: string;
  className: unknown;
  textContent: string | null;
  disabled?: boolean;
  getAttribute(name: string): string | null;
  closest(selector: string): PageElement | null;
  getBoundingClientRect(): { x: number; y: number; width: number; height: number };
  checkVisibility(options?: { visibilityProperty?: boolean; opacityProperty?: boolean }): boolean;
  blur?(): void;
}

export interface PageDocument {
  activeElement: PageElement | null;
  documentElement: PageElement;
  body: PageElement;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement> & { length: number };
  addEventListener(type: string, listener: (event: { target: unknown }) => void): void;
}

export interface PageWindow {
  localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  scrollTo(x: number, y: number): void;
}

/** `getComputedStyle`, as far as tests read it. */
export type PageGetComputedStyle = (element: PageElement) => { backgroundColor: string; color: string };

/** `MutationObserver`, as far as tests use it. */
export type PageMutationObserver = new (callback: () => void) => { observe(target: PageElement, options: { subtree?: boolean; childList?: boolean; characterData?: boolean; attributes?: boolean }): void };

import { useSyncExternalStore } from 'react';

/**
 * The colour theme: `system` (follow the OS's prefers-color-scheme; the default), `light` or
 * `dark`. The choice is kept in localStorage under THEME_STORAGE_KEY and shown as
 * `data-theme` on <html> (absent for `system`), which styles.css reads. index.html applies
 * the stored choice with a small inline script before the first paint, so a page never
 * flashes in the other theme: keep the key and values there in step with these.
 */
export const THEME_CHOICES = [
  { id: 'system', label: 'System' },
  { id: 'light', label: 'Light' },
  { id: 'dark', label: 'Dark' },
] as const;

export type ThemeChoice = (typeof THEME_CHOICES)[number]['id'];

export const THEME_STORAGE_KEY = 'pharos.theme';

/** The stored choice; `system` when none is stored, it is not a known value, or storage is blocked. */
export function readThemeChoice(): ThemeChoice {
  try {
    const stored = window.localStorage.getItem(THEME_STORAGE_KEY);
    return THEME_CHOICES.find((t) => t.id === stored)?.id ?? 'system';
  } catch {
    return 'system';
  }
}

/** Shows `choice` on <html> and stores it (storage errors, as in private windows, only lose the memory). */
export function applyThemeChoice(choice: ThemeChoice): void {
  if (choice === 'system') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.setAttribute('data-theme', choice);
  try {
    if (choice === 'system') window.localStorage.removeItem(THEME_STORAGE_KEY);
    else window.localStorage.setItem(THEME_STORAGE_KEY, choice);
  } catch {
    // Storage blocked: the theme still applies to this page.
  }
}

/** The theme the page is shown in: what a canvas reads from CSS variables must follow it. */
export type ShownTheme = 'light' | 'dark';

const DARK_SCHEME_QUERY = '(prefers-color-scheme: dark)';

/** The shown theme: `data-theme` on <html> when set, else the OS's prefers-color-scheme. */
export function readShownTheme(): ShownTheme {
  const choice = document.documentElement.getAttribute('data-theme');
  if (choice === 'light' || choice === 'dark') return choice;
  return window.matchMedia(DARK_SCHEME_QUERY).matches ? 'dark' : 'light';
}

/** Calls `onChange` when the shown theme may have changed (data-theme set or removed, or the OS scheme switched); returns the unsubscribe. */
function subscribeShownTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  const media = window.matchMedia(DARK_SCHEME_QUERY);
  media.addEventListener('change', onChange);
  return () => {
    observer.disconnect();
    media.removeEventListener('change', onChange);
  };
}

/**
 * The shown theme (readShownTheme), re-rendering when it changes: for drawings that read
 * colours from CSS once (a canvas) and must draw again in the other theme's colours. CSS
 * itself follows the theme without it.
 */
export function useShownTheme(): ShownTheme {
  return useSyncExternalStore(subscribeShownTheme, readShownTheme);
}

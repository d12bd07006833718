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

import { useEffect, useState } from 'react';
import { THEME_CHOICES, THEME_STORAGE_KEY, applyThemeChoice, readThemeChoice, type ThemeChoice } from '../model/theme';

const ICONS: Record<ThemeChoice, string> = { system: '◐', light: '☀', dark: '☾' };

/**
 * The header's theme choice (system, light, dark), a labelled select. The choice lives in
 * localStorage, not the URL: it is the viewer's, not part of the view a link shares.
 * Another tab's change is followed too.
 */
export function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice>(readThemeChoice);
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key !== THEME_STORAGE_KEY && event.key !== null) return;
      const next = readThemeChoice();
      applyThemeChoice(next);
      setChoice(next);
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);
  return (
    <label className="theme-toggle">
      <span aria-hidden="true" className="theme-icon">
        {ICONS[choice]}
      </span>
      <select
        aria-label="Colour theme"
        title="Colour theme"
        value={choice}
        onChange={(e) => {
          const next = e.target.value as ThemeChoice;
          applyThemeChoice(next);
          setChoice(next);
        }}
      >
        {THEME_CHOICES.map((t) => (
          <option key={t.id} value={t.id}>
            {t.label}
          </option>
        ))}
      </select>
    </label>
  );
}

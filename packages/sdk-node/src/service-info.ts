import fs from 'node:fs';
import path from 'node:path';

/**
 * The application's name and version from the package.json nearest to its entry script,
 * used when neither init() options nor OTEL_* variables name the service.
 */
export function readApplicationPackage(entryScript: string | undefined): { name?: string; version?: string } {
  if (entryScript === undefined || entryScript === '') return {};
  let dir = path.dirname(path.resolve(entryScript));
  for (let depth = 0; depth < 12; depth++) {
    if (path.basename(dir) === 'node_modules') return {};
    try {
      const text = fs.readFileSync(path.join(dir, 'package.json'), 'utf8');
      const pkg = JSON.parse(text) as { name?: unknown; version?: unknown };
      return {
        name: typeof pkg.name === 'string' && pkg.name !== '' ? pkg.name : undefined,
        version: typeof pkg.version === 'string' && pkg.version !== '' ? pkg.version : undefined,
      };
    } catch {
      // no (readable) package.json here: look further up
    }
    const parent = path.dirname(dir);
    if (parent === dir) return {};
    dir = parent;
  }
  return {};
}

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readApplicationPackage } from './service-info.js';

/*
 * A temporary tree:
 *   app/package.json                    { name: 'shop-api', version: '2.3.4' }
 *   app/src/server.mjs                  (entry; nearest package.json is app's)
 *   app/src/deep/a/b/c/job.mjs
 *   app/tools/package.json              { name: 'shop-tools' } (no version)
 *   app/tools/run.mjs
 *   app/broken/package.json             not JSON
 *   app/broken/main.mjs
 *   app/odd/package.json                { name: '', version: 7 }, beside main.mjs
 *   app/node_modules/.bin/cli           (a bin link: not the application's package)
 *   app/node_modules/some-cli/package.json, bin.js
 */
let root: string;
const file = (...parts: string[]) => path.join(root, ...parts);

async function put(relative: string, content: string): Promise<void> {
  await mkdir(path.dirname(file(relative)), { recursive: true });
  await writeFile(file(relative), content);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'pharos-sdk-service-info-'));
  await put('app/package.json', JSON.stringify({ name: 'shop-api', version: '2.3.4' }));
  await put('app/src/server.mjs', '');
  await put('app/src/deep/a/b/c/job.mjs', '');
  await put('app/tools/package.json', JSON.stringify({ name: 'shop-tools' }));
  await put('app/tools/run.mjs', '');
  await put('app/broken/package.json', '{ "name": ');
  await put('app/broken/main.mjs', '');
  await put('app/odd/package.json', JSON.stringify({ name: '', version: 7 }));
  await put('app/odd/main.mjs', '');
  await put('app/node_modules/.bin/cli', '');
  await put('app/node_modules/some-cli/package.json', JSON.stringify({ name: 'some-cli', version: '0.0.1' }));
  await put('app/node_modules/some-cli/bin.js', '');
});

afterAll(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

describe('readApplicationPackage', () => {
  it('reads name and version from the package.json beside the entry script\'s folder or above it', () => {
    expect(readApplicationPackage(file('app/src/server.mjs'))).toEqual({ name: 'shop-api', version: '2.3.4' });
    expect(readApplicationPackage(file('app/src/deep/a/b/c/job.mjs'))).toEqual({ name: 'shop-api', version: '2.3.4' });
  });

  it('takes the nearest package.json, even when it lacks a version', () => {
    expect(readApplicationPackage(file('app/tools/run.mjs'))).toEqual({ name: 'shop-tools', version: undefined });
  });

  it('ignores empty or non-string fields', () => {
    expect(readApplicationPackage(file('app/odd/main.mjs'))).toEqual({ name: undefined, version: undefined });
  });

  it('skips a package.json it cannot parse and looks further up', () => {
    expect(readApplicationPackage(file('app/broken/main.mjs'))).toEqual({ name: 'shop-api', version: '2.3.4' });
  });

  it('does not climb out of node_modules into the project that installed a tool', () => {
    expect(readApplicationPackage(file('app/node_modules/.bin/cli'))).toEqual({});
    // A package run from node_modules is named by its own package.json.
    expect(readApplicationPackage(file('app/node_modules/some-cli/bin.js'))).toEqual({ name: 'some-cli', version: '0.0.1' });
  });

  it('resolves a relative entry script against the working directory', () => {
    const relative = path.relative(process.cwd(), file('app/src/server.mjs'));
    expect(readApplicationPackage(relative)).toEqual({ name: 'shop-api', version: '2.3.4' });
  });

  it('returns nothing without an entry script (node -e, the REPL)', () => {
    expect(readApplicationPackage(undefined)).toEqual({});
    expect(readApplicationPackage('')).toEqual({});
  });

  it('returns nothing, without throwing, for a path that does not exist', () => {
    expect(() => readApplicationPackage(file('nowhere/at/all.mjs'))).not.toThrow();
    expect(readApplicationPackage(path.join(path.parse(root).root, 'definitely-not-here', 'x.mjs'))).toEqual({});
  });
});

/**
 * Import maps: Deno's `deno.json`/`deno.jsonc` `imports` (and the file its `importMap` names) and a
 * plain `import_map.json`. A mapped specifier is the map's business: `"lodash": "npm:lodash@^4"`
 * is the npm package lodash (looked up under that name), `"@std/": "jsr:@std/"` and URLs are not
 * npm packages, a relative target is local code.
 */
import * as path from 'path';
import { parse as parseJsonc } from 'jsonc-parser';
import type { FileSystem } from '../io';

export interface ImportMap {
  file: string;
  imports: Record<string, string>;
}

export const IMPORT_MAP_FILES = ['deno.json', 'deno.jsonc', 'import_map.json'];

function importsOf(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  const doc = parseJsonc(text) as { imports?: unknown; importMap?: unknown } | undefined;
  const imports = doc && typeof doc.imports === 'object' && doc.imports ? (doc.imports as Record<string, unknown>) : {};
  return Object.fromEntries(Object.entries(imports).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** The import map of a folder, if it has one (deno.json wins; its `importMap` file is merged in). */
export function readImportMap(fs: FileSystem, dir: string): ImportMap | undefined {
  for (const name of IMPORT_MAP_FILES) {
    const file = path.join(dir, name);
    const text = fs.readFile(file);
    const imports = importsOf(text);
    if (!imports) continue;
    if (name !== 'import_map.json') {
      const doc = parseJsonc(text!) as { importMap?: unknown } | undefined;
      if (typeof doc?.importMap === 'string') Object.assign(imports, importsOf(fs.readFile(path.resolve(dir, doc.importMap))) ?? {});
    }
    return { file, imports };
  }
  return undefined;
}

/** What a specifier maps to: an exact key, else the longest key ending in `/` that prefixes it. */
export function mapSpecifier(map: ImportMap | undefined, specifier: string): string | undefined {
  if (!map) return undefined;
  if (map.imports[specifier] !== undefined) return map.imports[specifier];
  let best: string | undefined;
  for (const key of Object.keys(map.imports)) if (key.endsWith('/') && specifier.startsWith(key) && (!best || key.length > best.length)) best = key;
  return best === undefined ? undefined : map.imports[best] + specifier.slice(best.length);
}

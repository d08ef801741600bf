/**
 * `declare module 'x'` in the project's own .d.ts files: modules that exist only as declarations
 * (virtual modules, shims, globals provided by a host). Bounded so a huge repository cannot stall us.
 */
import * as path from 'path';
import type { FileSystem } from '../io';
import type { DerivedCache } from '../derivedCache';

const MAX_DECLARATION_FILES = 400;

export function readAmbientModules(fs: FileSystem, root: string, derived?: DerivedCache): string[] {
  let files: string[] = [];
  try {
    files = fs.glob(root, ['**/*.d.ts', '**/*.d.mts', '**/*.d.cts'], ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/out/**', '**/build/**', '**/coverage/**']).slice(0, MAX_DECLARATION_FILES);
  } catch {
    files = [];
  }
  const names: string[] = [];
  for (const file of files) {
    const text = fs.readFile(file);
    // (no `module` anywhere in the text, no `declare module` to parse for: most .d.ts files of a
    // project are `/// <reference types>` lines and interfaces)
    if (text === undefined || text.length >= 1024 * 1024 || !text.includes('module')) continue;
    // (the parser is loaded only when a text is not in the cache: it loads TypeScript)
    const read = () => (require('../extract/javascript') as typeof import('../extract/javascript')).declaredModulesOf(text, path.basename(file));
    names.push(...(derived ? derived.small('declared-modules', text, read) : read()));
  }
  return names;
}

/** `declare module` names may carry one `*` wildcard (`*.svg`, `virtual:*`). */
export function matchesDeclaredModule(specifier: string, declared: string): boolean {
  const star = declared.indexOf('*');
  if (star < 0) return declared === specifier;
  const prefix = declared.slice(0, star);
  const suffix = declared.slice(star + 1);
  return specifier.length >= prefix.length + suffix.length && specifier.startsWith(prefix) && specifier.endsWith(suffix);
}

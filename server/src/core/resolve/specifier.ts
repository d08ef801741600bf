/** Splitting bare specifiers into package name and subpath, and telling which can be npm names at all. */
import validate = require('validate-npm-package-name');
import type { PackageSpecifier } from '../model';

export function parsePackageSpecifier(specifier: string): PackageSpecifier | undefined {
  const parts = specifier.split('/');
  if (specifier.startsWith('@')) {
    if (parts.length < 2 || parts[0].length < 2 || parts[1].length === 0) return undefined;
    return { name: `${parts[0]}/${parts[1]}`, subpath: parts.length > 2 ? '/' + parts.slice(2).join('/') : '' };
  }
  if (parts[0].length === 0) return undefined;
  return { name: parts[0], subpath: parts.length > 1 ? '/' + parts.slice(1).join('/') : '' };
}

/**
 * Whether a name could be on the npm registry. Old packages may have capitals (JSONStream),
 * so this accepts what npm still serves, not only what it accepts for new packages.
 */
export function isPossibleNpmName(name: string): boolean {
  return validate(name).validForOldPackages;
}

/** `@types/` name for a package, as DefinitelyTyped mangles scoped names (`@a/b` -> `@types/a__b`). */
export function typesPackageName(name: string): string {
  return name.startsWith('@') ? `@types/${name.slice(1).replace('/', '__')}` : `@types/${name}`;
}

/** The scope of a name (`@acme`), or undefined for unscoped names. */
export function scopeOf(name: string): string | undefined {
  return name.startsWith('@') ? name.split('/')[0] : undefined;
}

/**
 * Matches a package name against an allowlist entry: an exact name, or a glob where `*` stands
 * for any run of characters except `/` and `**` for any run at all (`@acme/*`, `eslint-plugin-*`).
 */
export function matchesNamePattern(name: string, pattern: string): boolean {
  if (!pattern.includes('*')) return name === pattern;
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(re + '$').test(name);
}

export function matchesAny(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => matchesNamePattern(name, p));
}

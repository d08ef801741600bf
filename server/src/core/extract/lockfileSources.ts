/**
 * Where a lockfile says each package is downloaded from: `resolved` of package-lock.json /
 * npm-shrinkwrap.json (jsonc-parser) and of yarn.lock v1 (@yarnpkg/parsers), and pnpm-lock.yaml's
 * `resolution.tarball` (yaml). A lockfile is what `npm ci` trusts without asking: an entry pointed
 * at another host (lockfile injection) installs whatever that host serves.
 */
import * as path from 'path';
import { parseTree, type Node as JsonNode } from 'jsonc-parser';
import { parseAllDocuments, isMap, isScalar, type Scalar } from 'yaml';
import { pnpmPackageKey, yarnDescriptor } from '../resolve/lockfiles';

export interface LockedSource {
  /** Package name as the lockfile keys it. */
  name: string;
  url: string;
  /** The URL's place in the lockfile. */
  offset: number;
  length: number;
}

export type LockfileKind = 'npm' | 'yarn' | 'pnpm';

export function lockfileKind(file: string): LockfileKind | undefined {
  const base = path.basename(file);
  if (base === 'package-lock.json' || base === 'npm-shrinkwrap.json') return 'npm';
  if (base === 'yarn.lock') return 'yarn';
  if (base === 'pnpm-lock.yaml') return 'pnpm';
  return undefined;
}

function npmSources(text: string): LockedSource[] {
  const root = parseTree(text);
  const out: LockedSource[] = [];
  const fromEntry = (name: string, entry: JsonNode | undefined) => {
    const resolved = entry?.children?.find((p) => p.children?.[0]?.value === 'resolved')?.children?.[1];
    if (resolved?.type === 'string' && typeof resolved.value === 'string' && /^https?:/.test(resolved.value)) out.push({ name, url: resolved.value, offset: resolved.offset + 1, length: resolved.value.length });
  };
  for (const top of root?.children ?? []) {
    const key = top.children?.[0]?.value;
    const value = top.children?.[1];
    if (key === 'packages') {
      // v2/v3: "node_modules/a/node_modules/@scope/b": { "resolved": ... }
      for (const p of value?.children ?? []) {
        const k = String(p.children?.[0]?.value ?? '');
        const at = k.lastIndexOf('node_modules/');
        if (at >= 0) fromEntry(k.slice(at + 'node_modules/'.length), p.children?.[1]);
      }
    } else if (key === 'dependencies') {
      // v1: nested "dependencies" objects
      const walk = (deps: JsonNode | undefined) => {
        for (const p of deps?.children ?? []) {
          const name = String(p.children?.[0]?.value ?? '');
          fromEntry(name, p.children?.[1]);
          walk(p.children?.[1]?.children?.find((c) => c.children?.[0]?.value === 'dependencies')?.children?.[1]);
        }
      };
      walk(value);
    }
  }
  return out;
}

function yarnSources(text: string): LockedSource[] {
  if (/^__metadata:/m.test(text)) return []; // Berry: resolutions name versions, not URLs
  const { parseSyml } = require('@yarnpkg/parsers') as { parseSyml(text: string): Record<string, { resolved?: unknown }> };
  let doc: Record<string, { resolved?: unknown }>;
  try {
    doc = parseSyml(text);
  } catch {
    return [];
  }
  const out: LockedSource[] = [];
  let cursor = 0;
  for (const [key, entry] of Object.entries(doc)) {
    if (typeof entry?.resolved !== 'string' || !/^https?:/.test(entry.resolved)) continue;
    const name = yarnDescriptor(key.split(/,\s*/)[0].replace(/^"|"$/g, ''))?.name;
    if (!name) continue;
    const at = text.indexOf(entry.resolved, cursor);
    if (at < 0) continue;
    cursor = at + entry.resolved.length;
    out.push({ name, url: entry.resolved, offset: at, length: entry.resolved.length });
  }
  return out;
}

function pnpmSources(text: string): LockedSource[] {
  const out: LockedSource[] = [];
  // (pnpm 10 writes two documents: the environment's, then the project's)
  for (const doc of parseAllDocuments(text)) {
    if (!('contents' in doc)) continue;
    const packages = isMap(doc.contents) ? doc.contents.get('packages') : undefined;
    if (!isMap(packages)) continue;
    for (const pair of packages.items) {
      const key = String(isScalar(pair.key) ? pair.key.value : '');
      const name = pnpmPackageKey(key)?.name ?? key;
      const resolution = isMap(pair.value) ? pair.value.get('resolution') : undefined;
      const tarball = isMap(resolution) ? (resolution.get('tarball', true) as Scalar | undefined) : undefined;
      if (tarball && typeof tarball.value === 'string' && /^https?:/.test(tarball.value) && tarball.range) {
        const quoted = text[tarball.range[0]] === '"' || text[tarball.range[0]] === "'";
        out.push({ name, url: tarball.value, offset: tarball.range[0] + (quoted ? 1 : 0), length: tarball.value.length });
      }
    }
  }
  return out;
}

export function lockedSources(kind: LockfileKind, text: string): LockedSource[] {
  switch (kind) {
    case 'npm':
      return npmSources(text);
    case 'yarn':
      return yarnSources(text);
    case 'pnpm':
      return pnpmSources(text);
  }
}

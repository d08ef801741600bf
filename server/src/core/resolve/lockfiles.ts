/**
 * The version a project really runs, from its lockfile: the API of a package that is not installed
 * is checked against that version, not against `latest` (excalidraw's yarn.lock pins eslint 7.32.0,
 * which still exports CLIEngine; react-router's pnpm catalog pins typescript 5.x, not 7).
 * Maintained parsers read each format: `@yarnpkg/parsers` (yarn classic and Berry), `yaml` (pnpm),
 * JSON (npm), `jsonc-parser` (bun.lock).
 */
import * as path from 'path';
import * as semver from 'semver';
import { parse as parseYaml } from 'yaml';
import { yamlDocuments } from '../yamlDocuments';
import type { DerivedCache } from '../derivedCache';
import { parse as parseJsonc } from 'jsonc-parser';
import type { FileSystem } from '../io';

export interface Lockfile {
  file: string;
  /**
   * The locked version of `name` for the package at `importerDir` (its declared range, when it has
   * one, picks among several locked versions), else undefined.
   */
  versionFor(name: string, importerDir: string, declaredRange?: string): string | undefined;
}

const LOCKFILES = ['pnpm-lock.yaml', 'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'bun.lock'];

/** Reads the lockfile in `dir`, if any; a lockfile that does not parse is as good as none. */
export function readLockfile(fs: FileSystem, dir: string, derived?: DerivedCache): Lockfile | undefined {
  for (const name of LOCKFILES) {
    const file = path.join(dir, name);
    const text = fs.readFile(file);
    if (text === undefined) continue;
    try {
      if (name === 'pnpm-lock.yaml') return pnpmLock(file, dir, text, derived);
      if (name === 'yarn.lock') return yarnLock(file, text, derived);
      if (name === 'bun.lock') return bunLock(file, text);
      return npmLock(file, dir, text);
    } catch {
      return undefined; // a malformed lockfile: versions come from the declared range instead
    }
  }
  return undefined;
}

/** Strips pnpm's peer suffix: `5.6.3(@types/node@20.1.0)` -> `5.6.3`. */
const bare = (v: string) => v.replace(/\(.*$/, '');

/** The version among several that a range selects; with no range, the only one or the highest. */
function pick(versions: string[], range?: string): string | undefined {
  const valid = [...new Set(versions.filter((v) => semver.valid(v)))];
  if (valid.length === 0) return undefined;
  if (range && semver.validRange(range)) {
    const hit = semver.maxSatisfying(valid, range);
    if (hit) return hit;
  }
  return valid.length === 1 ? valid[0] : semver.rsort(valid)[0];
}

function importerKey(lockDir: string, importerDir: string): string {
  const rel = path.relative(lockDir, importerDir).split(path.sep).join('/');
  return rel === '' ? '.' : rel;
}

/** Name and version of a pnpm `packages` key: `/eslint@7.32.0`, `eslint@7.32.0`, `/@scope/x@1.0.0(peer@1)`, lockfile v5 `/eslint/7.32.0`. */
export function pnpmPackageKey(key: string): { name: string; version: string } | undefined {
  const m = /^\/?((?:@[^/@]+\/)?[^/@]+)[@/]([^/(]+)/.exec(key);
  return m ? { name: m[1], version: m[2] } : undefined;
}

/** Name and range of a yarn.lock descriptor: `eslint@^7.32.0` (classic), `eslint@npm:^7.32.0` (Berry), `@scope/x@npm:1.0.0`. */
export function yarnDescriptor(descriptor: string): { name: string; range: string } | undefined {
  const at = descriptor.indexOf('@', descriptor.startsWith('@') ? 1 : 0);
  return at < 0 ? undefined : { name: descriptor.slice(0, at), range: descriptor.slice(at + 1).replace(/^npm:/, '') };
}

/** What versionFor reads of a pnpm lockfile, as plain data (kept by the derived cache between runs). */
interface PnpmLockData {
  /** Importer path -> [name, locked version] pairs. */
  importers: [string, [string, string][]][];
  /** Name -> every version the lockfile has of it. */
  all: [string, string[]][];
}

function pnpmLockData(text: string): PnpmLockData {
  // pnpm 10+ may write two YAML documents: the package manager's own dependencies, then the project's.
  const parsed = yamlDocuments(text).map((d) => d.toJS({ maxAliasCount: -1 }) as Record<string, unknown> | null);
  const doc = (parsed.find((d) => d?.settings) ?? parsed[parsed.length - 1] ?? {}) as {
    importers?: Record<string, Record<string, Record<string, { version?: string } | string>>>;
    packages?: Record<string, unknown>;
  } & Record<string, Record<string, { version?: string } | string>>;
  // Only what versionFor reads is kept: the parsed document of a large lockfile is tens of megabytes.
  const importers: PnpmLockData['importers'] = [];
  const addImporter = (key: string, importer: Record<string, Record<string, { version?: string } | string>> | undefined) => {
    const versions = new Map<string, string>();
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
      for (const [name, entry] of Object.entries(importer?.[field] ?? {})) {
        const version = bare(typeof entry === 'string' ? entry : (entry?.version ?? ''));
        if (semver.valid(version) && !versions.has(name)) versions.set(name, version);
      }
    }
    importers.push([key, [...versions]]);
  };
  if (doc.importers) for (const [key, importer] of Object.entries(doc.importers)) addImporter(key, importer);
  else addImporter('.', doc); // lockfile v5 without workspaces: the root's dependencies at the top
  const all = new Map<string, string[]>();
  for (const key of Object.keys(doc.packages ?? {})) {
    const p = pnpmPackageKey(key);
    if (p) all.set(p.name, [...(all.get(p.name) ?? []), p.version]);
  }
  return { importers, all: [...all] };
}

function pnpmLock(file: string, dir: string, text: string, derived?: DerivedCache): Lockfile {
  const data = derived ? derived.get('pnpm-lock-versions', text, () => pnpmLockData(text)) : pnpmLockData(text);
  const importers = new Map(data.importers.map(([key, pairs]) => [key, new Map(pairs)]));
  const all = new Map(data.all);
  return {
    file,
    versionFor: (name, importerDir, range) => importers.get(importerKey(dir, importerDir))?.get(name) ?? pick(all.get(name) ?? [], range),
  };
}

/** `catalog:` ranges from pnpm-workspace.yaml (`catalog:` is the default catalog, `catalogs:` the named ones). */
export type Catalogs = Map<string, Map<string, string>>;

export function readWorkspaceCatalogs(fs: FileSystem, dir: string): Catalogs {
  const out: Catalogs = new Map();
  const text = fs.readFile(path.join(dir, 'pnpm-workspace.yaml'));
  if (text === undefined) return out;
  try {
    const doc = parseYaml(text) as { catalog?: Record<string, string>; catalogs?: Record<string, Record<string, string>> } | null;
    const add = (catalog: string, entries: Record<string, string> | undefined) => {
      if (entries && typeof entries === 'object') out.set(catalog, new Map(Object.entries(entries).map(([k, v]) => [k, String(v)])));
    };
    add('default', doc?.catalog);
    for (const [name, entries] of Object.entries(doc?.catalogs ?? {})) add(name, entries);
  } catch {
    // unreadable: catalog specs stay unresolved
  }
  return out;
}

/** The range a `catalog:` / `catalog:<name>` spec stands for in the workspace's catalogs. */
export function catalogRange(catalogs: Catalogs, name: string, spec: string): string | undefined {
  const m = /^catalog:(.*)$/.exec(spec);
  return m ? catalogs.get(m[1].trim() || 'default')?.get(name) : undefined;
}

function npmLock(file: string, dir: string, text: string): Lockfile {
  const doc = JSON.parse(text) as { packages?: Record<string, { version?: string }>; dependencies?: Record<string, { version?: string }> };
  return {
    file,
    versionFor(name, importerDir, range) {
      const rel = importerKey(dir, importerDir);
      const nested = rel === '.' ? undefined : doc.packages?.[`${rel}/node_modules/${name}`]?.version;
      const hoisted = doc.packages?.[`node_modules/${name}`]?.version ?? doc.dependencies?.[name]?.version; // v2/v3, then v1
      const version = nested ?? hoisted;
      if (version && semver.valid(version)) return version;
      const anywhere = Object.entries(doc.packages ?? {}).filter(([k]) => k.endsWith(`node_modules/${name}`)).map(([, v]) => v.version ?? '');
      return pick(anywhere, range);
    },
  };
}

type YarnEntries = [name: string, entries: { ranges: string[]; version: string }[]][];

/** (a warm run reads this back: the syml parser takes 0.4 s over excalidraw's yarn.lock) */
function yarnLock(file: string, text: string, derived?: DerivedCache): Lockfile {
  const byName = new Map(derived ? derived.get('yarn-lock-versions', text, () => yarnLockData(text)) : yarnLockData(text));
  return {
    file,
    versionFor(name, _importerDir, range) {
      const entries = byName.get(name) ?? [];
      const exact = range ? entries.find((e) => e.ranges.includes(range) || e.ranges.includes(`npm:${range}`)) : undefined;
      return exact?.version ?? pick(entries.map((e) => e.version), range);
    },
  };
}

function yarnLockData(text: string): YarnEntries {
  const { parseSyml } = require('@yarnpkg/parsers') as typeof import('@yarnpkg/parsers');
  const doc = parseSyml(text) as Record<string, { version?: string }>;
  const byName = new Map<string, { ranges: string[]; version: string }[]>();
  for (const [key, entry] of Object.entries(doc)) {
    if (key === '__metadata' || !entry?.version) continue;
    for (const descriptor of key.split(/,\s*/)) {
      const parsed = yarnDescriptor(descriptor);
      if (!parsed) continue;
      const { name, range } = parsed;
      const list = byName.get(name) ?? [];
      list.push({ ranges: [range], version: entry.version });
      byName.set(name, list);
    }
  }
  return [...byName];
}

function bunLock(file: string, text: string): Lockfile {
  const doc = parseJsonc(text) as { packages?: Record<string, unknown[]> };
  const byName = new Map<string, string[]>();
  for (const [key, entry] of Object.entries(doc.packages ?? {})) {
    const ident = Array.isArray(entry) && typeof entry[0] === 'string' ? entry[0] : undefined; // "eslint@7.32.0"
    if (!ident) continue;
    const at = ident.lastIndexOf('@');
    const name = key.includes('/') && !key.startsWith('@') ? key.split('/').pop()! : ident.slice(0, at);
    byName.set(name, [...(byName.get(name) ?? []), ident.slice(at + 1)]);
  }
  return { file, versionFor: (name, _dir, range) => pick(byName.get(name) ?? [], range) };
}

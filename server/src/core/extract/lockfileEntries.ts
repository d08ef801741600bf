/**
 * What a lockfile pins: for each entry, the package the registry knows (an alias's target), the
 * version, the download URL and the integrity it records, with where each is written. A lockfile
 * is what `npm ci` / `uv sync` trust without asking: a name that was never published, a version the
 * registry never had, a download from another host or an integrity that differs from the registry's
 * is what lockfile injection and slopsquatting leave behind.
 *
 * Maintained parsers read every format: jsonc-parser (package-lock.json, npm-shrinkwrap.json,
 * bun.lock), @yarnpkg/parsers (yarn.lock classic and Berry), yaml (pnpm-lock.yaml), smol-toml
 * (poetry.lock, uv.lock). Where a parser keeps no offsets (yarn's, smol-toml), each value is found
 * in the text after the previous entry's, in document order.
 */
import * as path from 'path';
import { parseTree, type Node as JsonNode } from 'jsonc-parser';
import { isMap, isScalar, type Scalar } from 'yaml';
import { yamlDocuments } from '../yamlDocuments';
import * as semver from 'semver';
import { pnpmPackageKey, yarnDescriptor } from '../resolve/lockfiles';
import { shasumIntegrity } from '../registry/integrity';
// smol-toml ships a CommonJS build; its type declarations are written as ES module ones.
const { parse: parseToml } = require('smol-toml') as { parse(text: string): Record<string, unknown> };

/** A value as written in the lockfile. */
export interface Span {
  value: string;
  offset: number;
  length: number;
}

export interface LockedEntry {
  ecosystem: 'npm' | 'pypi';
  /** The name its registry knows (for `foo@npm:bar@1.0.0`, bar). */
  name: string;
  /** Where the entry names the package. */
  at: { offset: number; length: number };
  /** The registry version it pins; undefined for git, file, link, workspace and tarball-URL entries. */
  version?: string;
  /** Where it is downloaded from (http(s) URLs only). */
  url?: Span;
  /** Subresource integrity the lockfile records (`sha512-…`, `sha1-…`); npm formats only. */
  integrity?: Span;
  /** Python: the index the entry was locked from (uv's `source.registry`, Poetry's legacy source). */
  index?: Span;
  /** Python: the distribution files it locks, each with its sha256 (hex) and where that is written. */
  files?: { filename: string; sha256: string; at: Span }[];
}

export type LockfileKind = 'npm' | 'yarn' | 'pnpm' | 'bun' | 'poetry' | 'uv';

/** Every lockfile read, by file name. */
export const LOCKFILE_KINDS: Readonly<Record<string, LockfileKind>> = {
  'package-lock.json': 'npm',
  'npm-shrinkwrap.json': 'npm',
  'pnpm-lock.yaml': 'pnpm',
  'yarn.lock': 'yarn',
  'bun.lock': 'bun',
  'poetry.lock': 'poetry',
  'uv.lock': 'uv',
};

export function lockfileKind(file: string): LockfileKind | undefined {
  return Object.hasOwn(LOCKFILE_KINDS, path.basename(file)) ? LOCKFILE_KINDS[path.basename(file)] : undefined;
}

const isHttp = (s: unknown): s is string => typeof s === 'string' && /^https?:\/\//i.test(s);

function stringNode(node: JsonNode | undefined): Span | undefined {
  return node?.type === 'string' && typeof node.value === 'string' ? { value: node.value, offset: node.offset + 1, length: node.value.length } : undefined;
}

function property(node: JsonNode | undefined, key: string): JsonNode | undefined {
  return node?.children?.find((p) => p.children?.[0]?.value === key)?.children?.[1];
}

/** `npm:real@1.2.3` (an alias) -> real, 1.2.3. */
function npmAlias(spec: string): { name: string; version: string } | undefined {
  const m = /^npm:((?:@[^/@]+\/)?[^/@]+)@(.+)$/.exec(spec);
  return m ? { name: m[1], version: m[2] } : undefined;
}

function npmEntries(text: string): LockedEntry[] {
  const root = parseTree(text);
  const out: LockedEntry[] = [];
  const add = (written: string, keyNode: JsonNode, nameOffsetInKey: number, entry: JsonNode | undefined) => {
    if (!entry || entry.type !== 'object' || property(entry, 'link')?.value === true) return;
    let name = typeof property(entry, 'name')?.value === 'string' ? String(property(entry, 'name')!.value) : written; // v2/v3 aliases carry the real name
    let version = typeof property(entry, 'version')?.value === 'string' ? String(property(entry, 'version')!.value) : undefined;
    const alias = version ? npmAlias(version) : undefined; // v1 aliases: "version": "npm:real@1.2.3"
    if (alias) ({ name, version } = alias);
    const url = stringNode(property(entry, 'resolved'));
    const fromRegistry = version !== undefined && semver.valid(version) !== null && (!url || isHttp(url.value));
    out.push({
      ecosystem: 'npm',
      name,
      at: { offset: keyNode.offset + 1 + nameOffsetInKey, length: written.length },
      version: fromRegistry ? version : undefined,
      url: url && isHttp(url.value) ? url : undefined,
      integrity: stringNode(property(entry, 'integrity')),
    });
  };
  for (const top of root?.children ?? []) {
    const key = top.children?.[0]?.value;
    const value = top.children?.[1];
    if (key === 'packages') {
      // v2/v3: "node_modules/a/node_modules/@scope/b": { ... }; keys without node_modules/ are the workspaces
      for (const p of value?.children ?? []) {
        const k = String(p.children?.[0]?.value ?? '');
        const at = k.lastIndexOf('node_modules/');
        if (at >= 0) add(k.slice(at + 'node_modules/'.length), p.children![0], at + 'node_modules/'.length, p.children?.[1]);
      }
    } else if (key === 'dependencies' && !property(root, 'packages')) {
      // v1 only (v2 carries both sections; the packages one is read): nested "dependencies" objects
      const walk = (deps: JsonNode | undefined) => {
        for (const p of deps?.children ?? []) {
          add(String(p.children?.[0]?.value ?? ''), p.children![0], 0, p.children?.[1]);
          walk(property(p.children?.[1], 'dependencies'));
        }
      };
      walk(value);
    }
  }
  return out;
}

/** Yarn classic keeps the sha1 of the tarball after `#` when it has no integrity line. */
function sha1FromUrl(url: Span): Span | undefined {
  const hash = /#([0-9a-f]{40})$/i.exec(url.value);
  const value = hash ? shasumIntegrity(hash[1]) : undefined;
  return value ? { value, offset: url.offset + url.length - 40, length: 40 } : undefined;
}

function yarnEntries(text: string): LockedEntry[] {
  const { parseSyml } = require('@yarnpkg/parsers') as { parseSyml(text: string): Record<string, Record<string, unknown>> };
  const doc = parseSyml(text);
  const berry = '__metadata' in doc;
  const out: LockedEntry[] = [];
  let cursor = 0;
  const find = (value: string, from: number): Span | undefined => {
    const at = text.indexOf(value, from);
    return at < 0 ? undefined : { value, offset: at, length: value.length };
  };
  for (const [key, entry] of Object.entries(doc)) {
    if (key === '__metadata' || !entry || typeof entry !== 'object') continue;
    const first = key.split(/,\s*/)[0].replace(/^"|"$/g, '');
    const descriptor = yarnDescriptor(first);
    const keyAt = text.indexOf(first, cursor);
    if (!descriptor || keyAt < 0) continue;
    cursor = keyAt + first.length;
    const at = { offset: keyAt, length: descriptor.name.length };
    const written = typeof entry.version === 'string' ? entry.version : undefined;
    if (berry) {
      // Only `npm:` resolutions come from a registry; Berry's checksum hashes its own zip, not the tarball.
      const resolution = typeof entry.resolution === 'string' ? entry.resolution : '';
      const resolved = yarnDescriptor(resolution);
      const fromRegistry = resolved && resolution.slice(resolved.name.length + 1).startsWith('npm:') && semver.valid(resolved.range);
      out.push({ ecosystem: 'npm', name: resolved?.name ?? descriptor.name, at, version: fromRegistry ? resolved.range : undefined });
      continue;
    }
    // classic: `foo@npm:bar@^1` is an alias of bar
    const alias = /^((?:@[^/@]+\/)?[^/@]+)@/.exec(descriptor.range);
    const name = alias && !/^(?:https?|git|file|link|github):/.test(descriptor.range) ? alias[1] : descriptor.name;
    const url = isHttp(entry.resolved) ? find(entry.resolved, cursor) : undefined;
    const integrity = typeof entry.integrity === 'string' ? find(entry.integrity, cursor) : url && sha1FromUrl(url);
    const fromRegistry = written !== undefined && semver.valid(written) && (entry.resolved === undefined || url !== undefined) && !/^(?:file|link|git|github|https?):/.test(descriptor.range);
    out.push({ ecosystem: 'npm', name, at, version: fromRegistry ? written : undefined, url, integrity });
  }
  return out;
}

function pnpmEntries(text: string): LockedEntry[] {
  const out: LockedEntry[] = [];
  const span = (node: Scalar | undefined): Span | undefined => {
    if (!node || typeof node.value !== 'string' || !node.range) return undefined;
    const quoted = text[node.range[0]] === '"' || text[node.range[0]] === "'";
    return { value: node.value, offset: node.range[0] + (quoted ? 1 : 0), length: node.value.length };
  };
  // (pnpm 10 writes two documents: the environment's, then the project's)
  for (const doc of yamlDocuments(text)) {
    if (!('contents' in doc)) continue;
    const packages = isMap(doc.contents) ? doc.contents.get('packages') : undefined;
    if (!isMap(packages)) continue;
    for (const pair of packages.items) {
      const keyNode = isScalar(pair.key) ? (pair.key as Scalar) : undefined;
      const key = String(keyNode?.value ?? '');
      const parsed = pnpmPackageKey(key);
      const keySpan = span(keyNode);
      if (!parsed || !keySpan) continue;
      const resolution = isMap(pair.value) ? pair.value.get('resolution') : undefined;
      const get = (field: string) => (isMap(resolution) ? span(resolution.get(field, true) as Scalar | undefined) : undefined);
      const tarball = get('tarball');
      const fromRegistry = semver.valid(parsed.version) !== null && !(isMap(resolution) && (resolution.has('type') || resolution.has('directory')));
      out.push({
        ecosystem: 'npm',
        name: parsed.name,
        at: { offset: keySpan.offset + (key.startsWith('/') ? 1 : 0), length: parsed.name.length },
        version: fromRegistry && (!tarball || isHttp(tarball.value)) ? parsed.version : undefined,
        url: tarball && isHttp(tarball.value) ? tarball : undefined,
        integrity: get('integrity'),
      });
    }
  }
  return out;
}

function bunEntries(text: string): LockedEntry[] {
  const root = parseTree(text, [], { allowTrailingComma: true });
  const out: LockedEntry[] = [];
  for (const p of property(root, 'packages')?.children ?? []) {
    const value = p.children?.[1];
    const ident = stringNode(value?.children?.[0]); // "name@1.2.3", "name@workspace:…", "name@github:…"
    if (!ident) continue;
    const at = ident.value.lastIndexOf('@');
    if (at <= 0) continue;
    const name = ident.value.slice(0, at);
    const version = ident.value.slice(at + 1);
    const registry = stringNode(value?.children?.[1]);
    const integrity = stringNode(value?.children?.[3]);
    out.push({
      ecosystem: 'npm',
      name,
      at: { offset: ident.offset, length: name.length },
      version: semver.valid(version) ? version : undefined,
      url: registry && isHttp(registry.value) ? registry : undefined,
      integrity: integrity && /^sha\d+-/.test(integrity.value) ? integrity : undefined,
    });
  }
  return out;
}

/**
 * poetry.lock and uv.lock: `[[package]]` tables with name, version and where they came from. Only
 * entries from an index are versions of a registry (git, path, editable and virtual are not).
 */
function pythonEntries(kind: 'poetry' | 'uv', text: string): LockedEntry[] {
  const doc = parseToml(text) as { package?: Record<string, unknown>[] };
  const out: LockedEntry[] = [];
  let cursor = 0;
  for (const pkg of Array.isArray(doc.package) ? doc.package : []) {
    const header = text.indexOf('[[package]]', cursor);
    if (header < 0) break;
    cursor = header + 1;
    if (typeof pkg.name !== 'string') continue;
    const nameAt = text.indexOf(`"${pkg.name}"`, header);
    if (nameAt < 0) continue;
    const source = (pkg.source && typeof pkg.source === 'object' ? pkg.source : {}) as Record<string, unknown>;
    let index: string | undefined;
    let fromIndex: boolean;
    if (kind === 'uv') {
      index = typeof source.registry === 'string' ? source.registry : undefined;
      fromIndex = index !== undefined && isHttp(index);
    } else {
      // Poetry: no source table is PyPI; `legacy` is another index; git, directory, file and url are not indexes
      fromIndex = source.type === undefined || source.type === 'legacy';
      index = source.type === 'legacy' && typeof source.url === 'string' ? source.url : undefined;
    }
    const indexAt = index ? text.indexOf(`"${index}"`, header) : -1;
    // uv: sdist = { url, hash }, wheels = [{ url, hash }]; Poetry: files = [{ file, hash }]
    const next = text.indexOf('[[package]]', header + 1);
    const files: LockedEntry['files'] = [];
    const locked = kind === 'uv' ? [pkg.sdist, ...(Array.isArray(pkg.wheels) ? pkg.wheels : [])] : Array.isArray(pkg.files) ? pkg.files : [];
    for (const f of locked as Record<string, unknown>[]) {
      const where = typeof f?.url === 'string' ? f.url : typeof f?.file === 'string' ? f.file : undefined;
      const hash = typeof f?.hash === 'string' ? /^sha256:([0-9a-f]{64})$/i.exec(f.hash) : null;
      if (!where || !hash) continue;
      const at = text.indexOf(hash[1], header);
      if (at < 0 || (next >= 0 && at > next)) continue;
      files.push({ filename: decodeURIComponent(where.split('/').pop()!.split('#')[0]), sha256: hash[1].toLowerCase(), at: { value: hash[1], offset: at, length: hash[1].length } });
    }
    out.push({
      ecosystem: 'pypi',
      name: pkg.name,
      at: { offset: nameAt + 1, length: pkg.name.length },
      version: fromIndex && typeof pkg.version === 'string' ? pkg.version : undefined,
      index: index && indexAt >= 0 ? { value: index, offset: indexAt + 1, length: index.length } : undefined,
      files: files.length > 0 ? files : undefined,
    });
  }
  return out;
}

/** Every entry of a lockfile; throws on a lockfile its parser rejects (the caller says so on the file). */
export function lockedEntries(kind: LockfileKind, text: string): LockedEntry[] {
  switch (kind) {
    case 'npm':
      return npmEntries(text);
    case 'yarn':
      return yarnEntries(text);
    case 'pnpm':
      return pnpmEntries(text);
    case 'bun':
      return bunEntries(text);
    case 'poetry':
    case 'uv':
      return pythonEntries(kind, text);
  }
}

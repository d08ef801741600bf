/**
 * Export tables per module and package version, from wherever they can be read:
 *   - a Node builtin: @types/node (the workspace's, else the copy Groundcheck ships);
 *   - an installed package: its bundled types or @types, as TypeScript resolves them from the
 *     document; with no types, its entry file through the lexers;
 *   - a package that is not installed: the published tarball of the declared (else latest)
 *     version, then @types/<name> for the same major, then the entry file.
 * Tables are kept in memory (LRU) and on disk: a package version's exports never change.
 */
import * as path from 'path';
import * as semver from 'semver';
import { LRUCache } from 'lru-cache';
import type { FileSystem, Logger, StorageFileSystem } from '../io';
import type { ExportTable } from '../model';
import { DiskCache } from '../registry/diskCache';
import { registryFor, type NpmConfig } from '../registry/npmrc';
import { parsePackageSpecifier, typesPackageName } from '../resolve/specifier';
import { installedDir } from '../resolve/resolvers';
import { nodeBuiltinNames } from '../resolve/builtins';
import type * as Declarations from './declarations';
import type * as EntryExports from './entryExports';
import type { PackageFiles } from './entryExports';
import type { TarballSource } from './tarballs';

/**
 * The readers of tables, loaded when a table is first read: they load TypeScript (a quarter of a
 * second), which a run that finds every table in the cache never needs.
 */
const declarations = () => require('./declarations') as typeof Declarations;
const entryExports = () => require('./entryExports') as typeof EntryExports;

export type ModuleQuery =
  | { kind: 'builtin'; specifier: string; fromFile: string }
  | {
      kind: 'package';
      specifier: string;
      name: string;
      subpath: string;
      /** The name on the registry (differs for `alias@npm:real`). */
      registryName: string;
      fromFile: string;
      /** Installed under node_modules (then its types are what the editor's TypeScript sees). */
      installed: boolean;
      /** The declared range, when the manifest declares the package. */
      range?: string;
      config: NpmConfig;
      /** The registry may be asked about this name (not offline, not a private scope without its own registry). */
      registryAllowed: boolean;
      /** `latest` from the registry lookup, when known (saves fetching the document again). */
      latest?: string;
      /** The project declares `@types/<name>` (its types may come from there, another major than the package's). */
      typesDeclared?: boolean;
    };

export interface TableAnswer {
  table: ExportTable;
  /** Read from files in the workspace (node_modules, the workspace's @types/node). */
  fromWorkspace: boolean;
}

const OTHER_VERSIONS_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** A range can resolve to a newer release tomorrow: a day, then the document is asked again. */
const RESOLVED_VERSION_TTL_MS = 24 * 60 * 60 * 1000;

interface StoredVersion {
  version: string;
  checkedAt: number;
}

function isStoredVersion(v: unknown): v is StoredVersion {
  const o = v as StoredVersion;
  return !!o && typeof o.version === 'string' && typeof o.checkedAt === 'number';
}

interface StoredOtherVersions {
  addedIn?: string;
  lastIn?: string;
  checkedAt: number;
}

function isStoredOtherVersions(v: unknown): v is StoredOtherVersions {
  const o = v as StoredOtherVersions;
  return !!o && typeof o.checkedAt === 'number' && (o.addedIn === undefined || typeof o.addedIn === 'string') && (o.lastIn === undefined || typeof o.lastIn === 'string');
}

export interface OtherVersions {
  /** The earliest newer version probed that exports the name (added in), if any. */
  addedIn?: string;
  /** The latest older version probed that exports the name (removed after), if any. */
  lastIn?: string;
}

export interface ExportTablesOptions {
  fs: StorageFileSystem;
  logger: Logger;
  tarballs: TarballSource;
  cacheDir?: string;
  /** The @types/node folder Groundcheck ships, for builtins when the workspace has none. */
  bundledNodeTypes?: string;
}

const FAILURE_TTL_MS = 10 * 60 * 1000;
/** A package version whose table could not be built is tried again after a week (a newer reader, a fixed @types). */
const TABLELESS_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Dependencies fetched for one package's `export * from` another package. */
const MAX_REEXPORTED_DEPENDENCIES = 4;
/** How many other majors are probed for export-in-other-version (each is one tarball). */
const MAJORS_ABOVE = 3;
const MAJORS_BELOW = 2;

function isExportTable(v: unknown): v is ExportTable {
  const t = v as ExportTable;
  return !!t && typeof t.module === 'string' && Array.isArray(t.names) && typeof t.complete === 'boolean' && (t.kind === 'types' || t.kind === 'lexer');
}

const fsFiles = (fsys: FileSystem, dir: string): PackageFiles => ({ read: (rel) => fsys.readFile(path.join(dir, rel)) });

export class ExportTables {
  private readonly memory = new LRUCache<string, ExportTable>({ max: 400 });
  private readonly failures = new LRUCache<string, true>({ max: 1000, ttl: FAILURE_TTL_MS });
  private readonly inFlight = new Map<string, Promise<ExportTable | undefined>>();
  private readonly versions = new LRUCache<string, string>({ max: 2000, ttl: 60 * 60 * 1000 });
  private readonly typesDirVersions = new LRUCache<string, string>({ max: 100, ttl: 10_000 });
  /** Answers of otherVersions, so a keystroke does not ask for the version list again. */
  private readonly others = new LRUCache<string, Promise<OtherVersions | undefined>>({ max: 2000, ttl: 60 * 60 * 1000 });
  private readonly disk: DiskCache<ExportTable> | undefined;
  /** otherVersions answers across runs: a CI gate should not fetch version lists every time. */
  private readonly othersDisk: DiskCache<StoredOtherVersions> | undefined;
  /** Which version a range resolved to, across runs (react-dom@^18 needs the whole document to answer). */
  private readonly versionsDisk: DiskCache<StoredVersion> | undefined;
  /**
   * Keys whose table could not be built (svelte 5's types are all `declare module` blocks), with
   * when that was found: without it every run unpacked and read them again (0.4 s of a warm astro
   * run). What threw (a network error) is not recorded here.
   */
  private readonly tablelessDisk: DiskCache<number> | undefined;

  constructor(private readonly options: ExportTablesOptions) {
    this.disk = options.cacheDir ? new DiskCache<ExportTable>(path.join(options.cacheDir, 'exports-v5.jsonl'), options.logger, isExportTable, options.fs) : undefined;
    this.othersDisk = options.cacheDir ? new DiskCache<StoredOtherVersions>(path.join(options.cacheDir, 'other-versions.jsonl'), options.logger, isStoredOtherVersions, options.fs) : undefined;
    this.versionsDisk = options.cacheDir ? new DiskCache<StoredVersion>(path.join(options.cacheDir, 'resolved-versions.jsonl'), options.logger, isStoredVersion, options.fs) : undefined;
    // (versioned with exports-v5.jsonl: a newer table reader may read what this one could not)
    this.tablelessDisk = options.cacheDir ? new DiskCache<number>(path.join(options.cacheDir, 'tableless-v5.jsonl'), options.logger, (v): v is number => typeof v === 'number', options.fs) : undefined;
  }

  /** node_modules or tsconfig changed: tables read from the workspace may be stale. */
  invalidate(): void {
    this.memory.clear();
    this.failures.clear();
  }

  clear(): void {
    this.invalidate();
    this.versions.clear();
    this.others.clear();
    this.disk?.clear();
    this.othersDisk?.clear();
    this.versionsDisk?.clear();
    this.tablelessDisk?.clear();
  }

  flush(): void {
    this.disk?.flush();
    this.othersDisk?.flush();
    this.versionsDisk?.flush();
    this.tablelessDisk?.flush();
  }

  async tableFor(q: ModuleQuery): Promise<TableAnswer | undefined> {
    if (q.kind === 'builtin') {
      const typesDir = this.workspaceNodeTypes(q.fromFile);
      const table = await this.builtinTable(q.specifier, typesDir ?? this.options.bundledNodeTypes);
      return table && { table, fromWorkspace: !!typesDir };
    }
    if (q.installed) {
      const table = await this.installedTable(q);
      if (table) return { table, fromWorkspace: true };
      return undefined;
    }
    const version = await this.resolveVersion(q.registryName, q.range, q.config, q.latest);
    if (!version) return undefined;
    const table = await this.registryTable(q.registryName, version, q.subpath, q.config, q.name);
    return table && { table, fromWorkspace: false };
  }

  /**
   * Whether any published version satisfies a range: true or false from the registry document (the
   * answer kept a day in resolved-versions.jsonl, like the versions API checks resolve), undefined
   * when the document cannot be had.
   */
  async rangeSatisfiable(name: string, range: string, config: NpmConfig): Promise<boolean | undefined> {
    const key = `${registryFor(config, name).url}|${name}@${range}`;
    const stored = this.versionsDisk?.get(key);
    if (stored && Date.now() - stored.checkedAt < RESOLVED_VERSION_TTL_MS) return stored.version !== '';
    try {
      const version = await this.options.tarballs.resolveVersion(name, range, config);
      this.versionsDisk?.set(key, { version, checkedAt: Date.now() });
      return true;
    } catch (e) {
      if ((e as { code?: string }).code !== 'ETARGET') {
        this.options.logger.debug(`versions of ${name}: ${(e as Error).message}`);
        return undefined;
      }
      this.versionsDisk?.set(key, { version: '', checkedAt: Date.now() }); // '' records "none satisfies"
      return false;
    }
  }

  /**
   * For a name missing from `checkedVersion`: the nearest newer version that has it, or the latest
   * older one. Probes the newest release of a few other majors (and the first of the major where
   * the name appears), one tarball each, all cached.
   */
  otherVersions(registryName: string, subpath: string, config: NpmConfig, checkedVersion: string, question: { key: string; has: (t: ExportTable) => boolean }, localName = registryName): Promise<OtherVersions | undefined> {
    const key = `${registryFor(config, registryName).url}|${registryName}@${checkedVersion}${subpath}|${question.key}`;
    let answer = this.others.get(key);
    if (!answer) {
      const stored = this.othersDisk?.get(key);
      // Releases get published: a stored answer is trusted for a week, as a lookup that exists is.
      if (stored && Date.now() - stored.checkedAt < OTHER_VERSIONS_TTL_MS) answer = Promise.resolve(stored.addedIn || stored.lastIn ? { addedIn: stored.addedIn, lastIn: stored.lastIn } : undefined);
      else {
        answer = this.searchOtherVersions(registryName, subpath, config, checkedVersion, question.has, localName);
        void answer.then((found) => this.othersDisk?.set(key, { ...found, checkedAt: Date.now() }), () => undefined);
      }
      this.others.set(key, answer);
    }
    return answer;
  }

  private async searchOtherVersions(registryName: string, subpath: string, config: NpmConfig, checkedVersion: string, has: (t: ExportTable) => boolean, localName: string): Promise<OtherVersions | undefined> {
    const checked = semver.parse(checkedVersion);
    if (!checked) return undefined;
    let listed: { versions: string[]; latest?: string };
    try {
      listed = await this.options.tarballs.versions(registryName, config);
    } catch (e) {
      this.options.logger.debug(`versions of ${registryName}: ${(e as Error).message}`);
      return undefined;
    }
    const releases = listed.versions.filter((v) => semver.valid(v) && !semver.prerelease(v)).sort(semver.compare);
    const newestOfMajor = new Map<number, string>();
    const firstOfMajor = new Map<number, string>();
    for (const v of releases) {
      const major = semver.major(v);
      newestOfMajor.set(major, v);
      if (!firstOfMajor.has(major)) firstOfMajor.set(major, v);
    }
    const above = [...newestOfMajor.keys()].filter((m) => m > checked.major).sort((a, b) => a - b).slice(0, MAJORS_ABOVE);
    const below = [...newestOfMajor.keys()].filter((m) => m < checked.major).sort((a, b) => b - a).slice(0, MAJORS_BELOW);
    const sameMajorNewest = newestOfMajor.get(checked.major);
    const probe = async (version: string) => {
      const table = await this.registryTable(registryName, version, subpath, config, localName);
      return !!table && has(table);
    };
    const result: OtherVersions = {};
    // Newer first: "added in" is the common case (an assistant trained on a newer API).
    if (sameMajorNewest && semver.gt(sameMajorNewest, checkedVersion) && (await probe(sameMajorNewest))) {
      result.addedIn = sameMajorNewest;
    } else {
      for (const major of above) {
        if (!(await probe(newestOfMajor.get(major)!))) continue;
        const first = firstOfMajor.get(major)!;
        result.addedIn = first !== newestOfMajor.get(major) && (await probe(first)) ? first : newestOfMajor.get(major);
        break;
      }
    }
    if (!result.addedIn) {
      for (const major of below) {
        if (await probe(newestOfMajor.get(major)!)) {
          result.lastIn = newestOfMajor.get(major);
          break;
        }
      }
    }
    return result.addedIn || result.lastIn ? result : undefined;
  }

  private workspaceNodeTypes(fromFile: string): string | undefined {
    const dir = installedDir(this.options.fs, fromFile, '@types/node');
    return dir && this.options.fs.exists(path.join(dir, 'index.d.ts')) ? dir : undefined;
  }

  private async resolveVersion(name: string, range: string | undefined, config: NpmConfig, latest?: string): Promise<string | undefined> {
    // No registry document is needed when the answer is already known: a version the lockfile pins,
    // or the latest release (from the cached lookup) when the range takes it, as npm would pick it.
    if (range && semver.valid(range)) return semver.clean(range) ?? range;
    if (latest && semver.valid(latest) && (!range || range === 'latest' || (semver.validRange(range) && semver.satisfies(latest, range)))) return latest;
    const wanted = range && semver.validRange(range) ? range : 'latest';
    const spec = `${name}@${wanted}`;
    const key = `${registryFor(config, name).url}|${spec}`;
    const known = this.versions.get(key);
    if (known) return known;
    const stored = this.versionsDisk?.get(key);
    if (stored && Date.now() - stored.checkedAt < RESOLVED_VERSION_TTL_MS) return stored.version || undefined; // '': none satisfies
    if (this.failures.has(key)) return undefined;
    try {
      const version = await this.options.tarballs.resolveVersion(name, wanted, config);
      this.versions.set(key, version);
      this.versionsDisk?.set(key, { version, checkedAt: Date.now() });
      return version;
    } catch (e) {
      this.options.logger.debug(`resolving ${spec}: ${(e as Error).message}`);
      this.failures.set(key, true);
      return undefined;
    }
  }

  /** Memory, then disk, then `build` once however many callers ask. */
  private cached(key: string, persist: boolean, build: () => Promise<ExportTable | undefined>): Promise<ExportTable | undefined> {
    const hit = this.memory.get(key) ?? (persist ? this.disk?.get(key) : undefined);
    if (hit) {
      this.memory.set(key, hit);
      return Promise.resolve(hit);
    }
    if (this.failures.has(key)) return Promise.resolve(undefined);
    const tableless = persist ? this.tablelessDisk?.get(key) : undefined;
    if (tableless !== undefined && Date.now() - tableless < TABLELESS_TTL_MS) return Promise.resolve(undefined);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = build()
        .then((table) => {
          if (table) {
            this.memory.set(key, table);
            if (persist) this.disk?.set(key, table);
          } else {
            this.failures.set(key, true);
            if (persist) this.tablelessDisk?.set(key, Date.now());
          }
          return table;
        })
        .catch((e: Error) => {
          this.options.logger.debug(`export table ${key}: ${e.message}`);
          this.failures.set(key, true);
          return undefined;
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async builtinTable(specifier: string, typesDir: string | undefined): Promise<ExportTable | undefined> {
    if (!typesDir) return undefined;
    // Asked for every builtin import of every file: the types package's version is read again only
    // after a few seconds (an editor session may update @types/node).
    let version = this.typesDirVersions.get(typesDir);
    if (version === undefined) {
      version = (JSON.parse(this.options.fs.readFile(path.join(typesDir, 'package.json')) ?? '{}') as { version?: string }).version ?? '';
      this.typesDirVersions.set(typesDir, version);
    }
    const keyOf = (module: string) => `node|${typesDir}|${version}|${module}`;
    const key = keyOf(specifier);
    const hit = this.memory.get(key) ?? this.disk?.get(key);
    if (hit) {
      this.memory.set(key, hit);
      return hit;
    }
    // One program serves every builtin: build them all at once and keep each.
    const all = `node|${typesDir}|${version}|*`;
    let pending = this.inFlight.get(all);
    if (!pending) {
      pending = yieldToEventLoop()
        .then(async () => {
          const modules = nodeBuiltinNames();
          const tables = await declarations().readAmbientTables(declarationFiles(this.options.fs, typesDir), modules, { version: '', source: `types from @types/node ${version}`, format: 'cjs' }, yieldToEventLoop);
          for (const [module, table] of tables) {
            this.memory.set(keyOf(module), table);
            this.disk?.set(keyOf(module), table);
          }
          return undefined;
        })
        .catch((e: Error) => {
          this.options.logger.warn(`reading @types/node at ${typesDir}: ${e.message}`);
          return undefined;
        })
        .finally(() => this.inFlight.delete(all));
      this.inFlight.set(all, pending);
    }
    await pending;
    return this.memory.get(key);
  }

  private installedTable(q: Extract<ModuleQuery, { kind: 'package' }>): Promise<ExportTable | undefined> {
    const fsys = this.options.fs;
    const dir = installedDir(fsys, q.fromFile, q.name);
    if (!dir) return Promise.resolve(undefined);
    const { owningPackage, resolveDeclarations, readDeclarationTable, formatOf } = declarations();
    const version = owningPackage(fsys, path.join(dir, 'package.json'))?.version ?? '';
    const entry = resolveDeclarations(q.specifier, q.fromFile, resolutionHost(fsys));
    if (entry) {
      const owner = owningPackage(fsys, entry);
      return this.cached(`types|${entry}|${owner?.version}|${version}`, true, async () => {
        await yieldToEventLoop();
        const table = readDeclarationTable(entry, { module: q.specifier, version, source: sourceLabel(q.name, owner), format: formatOf(entry, owningPackage(fsys, path.join(dir, 'package.json'))?.type) });
        return withRuntimeNames(table, { module: q.specifier, version, subpath: q.subpath, files: fsFiles(fsys, dir) });
      });
    }
    return this.cached(`lexer|${dir}|${version}|${q.subpath}`, true, () => entryExports().readEntryTable({ module: q.specifier, version, subpath: q.subpath, files: fsFiles(fsys, dir) }));
  }

  /** The table of a published version, from its tarball (declarations, else @types, else the entry file). */
  private registryTable(registryName: string, version: string, subpath: string, config: NpmConfig, localName: string): Promise<ExportTable | undefined> {
    const key = `npm|${registryFor(config, registryName).url}|${registryName}@${version}|${subpath}`;
    return this.cached(key, true, async () => {
      const tarballs = this.options.tarballs;
      const pkg = await tarballs.fetch(registryName, version, config);
      const module = `${localName}${subpath}`;
      const { owningPackage, resolveDeclarations, readDeclarationTable, formatOf } = declarations();
      const packageType = owningPackage(this.options.fs, path.join(pkg.dir, 'package.json'))?.type;
      const format = formatOf('', packageType);
      if (pkg.hasDeclarations) {
        const entry = resolveDeclarations(`${registryName}${subpath}`, path.join(pkg.root, 'index.ts'), resolutionHost(this.options.fs));
        if (entry) {
          await yieldToEventLoop();
          const meta = { module, version, source: 'its bundled types', format: formatOf(entry, packageType) };
          const found = { unresolved: [] as string[] };
          let table = readDeclarationTable(entry, meta, found);
          // `export * from '@tanstack/query-core'`: the names live in a dependency. Fetch it at the
          // version the package's own range selects, beside it, and read the table again.
          if (table && !table.complete && (await this.fetchReexportedDependencies(pkg, found.unresolved, config))) {
            await yieldToEventLoop();
            table = readDeclarationTable(entry, meta);
          }
          return withRuntimeNames(table, { module, version, subpath, files: pkg.files });
        }
      }
      const types = await this.typesFor(registryName, version, config);
      if (types) {
        const entry = resolveDeclarations(`${registryName}${subpath}`, path.join(types.root, 'index.ts'), resolutionHost(this.options.fs));
        if (entry) {
          await yieldToEventLoop();
          const table = readDeclarationTable(entry, { module, version, source: `types from ${types.name} ${types.version}`, format });
          return withRuntimeNames(table, { module, version, subpath, files: pkg.files });
        }
      }
      return entryExports().readEntryTable({ module, version, subpath, files: pkg.files });
    });
  }

  /**
   * Puts the dependencies a package re-exports from (`export * from 'dep'`) into its folder's
   * node_modules, at the version its dependency range selects. At most a few, registry ones only
   * (the tarball store applies the private-scope policy). True when any was added.
   */
  private async fetchReexportedDependencies(pkg: { root: string; dir: string }, specifiers: string[], config: NpmConfig): Promise<boolean> {
    const manifest = JSON.parse(this.options.fs.readFile(path.join(pkg.dir, 'package.json')) ?? '{}') as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
    const ranges = { ...manifest.peerDependencies, ...manifest.dependencies };
    const names = [...new Set(specifiers.map((s) => parsePackageSpecifier(s)?.name).filter((n): n is string => !!n && typeof ranges[n] === 'string'))].slice(0, MAX_REEXPORTED_DEPENDENCIES);
    let added = false;
    for (const name of names) {
      const range = ranges[name];
      if (!semver.validRange(range)) continue; // workspace:, file:, git: not from the registry
      try {
        const depVersion = await this.resolveVersion(name, range, config);
        if (!depVersion) continue;
        const dep = await this.options.tarballs.fetch(name, depVersion, config);
        const target = path.join(pkg.root, 'node_modules', name);
        if (!this.options.fs.exists(target)) {
          this.options.fs.mkdir(path.dirname(target));
          this.options.fs.copyDir(dep.dir, target);
        }
        added = true;
      } catch (e) {
        this.options.logger.debug(`re-exported dependency ${name}@${range}: ${(e as Error).message}`);
      }
    }
    return added;
  }

  /** @types/<name> for the same major (its version tracks the library's major.minor). */
  private async typesFor(name: string, version: string, config: NpmConfig): Promise<{ name: string; version: string; root: string } | undefined> {
    const typesName = typesPackageName(name);
    const major = semver.major(version);
    const typesVersion = await this.resolveVersion(typesName, `${major}.x`, config);
    if (!typesVersion) return undefined;
    const fetched = await this.options.tarballs.fetch(typesName, typesVersion, config);
    // Resolution from <root of the library> finds node_modules/@types/<name> beside it: link the two.
    const root = path.join(path.dirname(fetched.root), `${name.replace('/', '+')}@${version}+types`);
    const link = path.join(root, 'node_modules', typesName);
    const fs = this.options.fs;
    if (!fs.exists(link)) {
      fs.mkdir(path.dirname(link));
      fs.copyDir(fetched.dir, link);
    }
    return { name: typesName, version: typesVersion, root };
  }
}

/**
 * Declaration files can leave out what the code exports (hand-written or partial types): a name the
 * entry file visibly exports is real even when the types omit it. Extra names can only hide a
 * finding, never make one, so the runtime's names are added whatever the lexers' completeness.
 */
async function withRuntimeNames(table: ExportTable | undefined, entry: Parameters<typeof EntryExports.readEntryTable>[0]): Promise<ExportTable | undefined> {
  if (!table) return undefined;
  const runtime = await entryExports().readEntryTable(entry).catch(() => undefined);
  if (!runtime) return table;
  const names = new Set(table.names);
  const extra = runtime.names.filter((n) => !names.has(n));
  // Members the entry file registers at run time under computed names: the typings may leave them
  // out (enquirer's prompt classes), so a name neither lists is no longer a verdict.
  const open = runtime.registersAtRunTime ? { complete: false } : {};
  return extra.length === 0 && !runtime.registersAtRunTime ? table : { ...table, ...open, names: [...table.names, ...extra] };
}

function sourceLabel(name: string, owner: { name: string; version: string } | undefined): string {
  if (!owner || owner.name === name) return 'its bundled types';
  return `types from ${owner.name} ${owner.version}`;
}

/** Every declaration file of a types package, without the older-TypeScript variants (typesVersions folders ts5.x). */
function declarationFiles(fsys: FileSystem, dir: string): string[] {
  const files: string[] = [];
  const walk = (d: string, depth: number) => {
    for (const name of fsys.readDir(d).sort()) {
      const full = path.join(d, name);
      if (fsys.isDirectory(full)) {
        if (depth < 3 && name !== 'node_modules' && !/^ts\d/.test(name)) walk(full, depth + 1);
      } else if (name.endsWith('.d.ts')) files.push(full);
    }
  };
  walk(dir, 0);
  return files;
}

function resolutionHost(fsys: StorageFileSystem) {
  return {
    fileExists: (p: string) => fsys.exists(p) && !fsys.isDirectory(p),
    readFile: (p: string) => fsys.readFile(p),
    directoryExists: (p: string) => fsys.isDirectory(p),
    realpath: (p: string) => {
      try {
        return fsys.realpath(p);
      } catch {
        return p;
      }
    },
  };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

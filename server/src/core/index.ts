/** Builds the editor-agnostic core with real I/O; the server, CLI and benchmarks start here. */
import * as os from 'os';
import * as path from 'path';
import { DocumentChecker } from './pipeline';
import { nodeFileSystem, systemClock, type FileSystem, type Logger } from './io';
import { PackageLookup } from './registry/lookup';
import { NpmRegistryClient } from './registry/npmRegistry';
import { PopularIndex } from './suggest/popularIndex';
import { dataFile } from './dataFiles';
import { PypiClient, type ProjectFiles } from './registry/pypi';
import { LRUCache } from 'lru-cache';
import { pypiEndpoint, type PypiConfig } from './registry/pipConfig';
import { ExportTables } from './exports/exportTables';
import { TarballStore } from './exports/tarballs';
import { bundledNodeTypes } from './exports/nodeTypes';
import { LockedVersions } from './registry/lockedVersions';
import { DerivedCache } from './derivedCache';
import { PackageMetadataStore } from './registry/packageMetadata';
import { RiskAssessor } from './findings/risk';
import { packageCard } from './findings/packageCard';
import { refusedByPrivateScope, registryFor } from './registry/npmrc';
import type { CheckedPackage, Finding } from './model';
import type { GroundcheckSettings } from './config/settings';
import type { Extractor } from './extract/extractPool';

export interface CoreOptions {
  logger: Logger;
  /** Where the registry cache persists; undefined keeps it in memory. */
  cacheDir?: string;
  trusted?: boolean;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  concurrency?: number;
  homeDir?: string;
  /** Aborts when the run's overall deadline passes: what is not known by then is "unverified". */
  deadline?: AbortSignal;
  /** Parses JavaScript in worker threads (the CLI on many files); without it, in this thread. */
  extractor?: Extractor;
  /** How the checked project's files are read: the CLI's run-long snapshot; by default the live disk. */
  projectFs?: FileSystem;
}

export interface Core {
  /** Loads what the first network lookup would (see NpmRegistryClient.preload). */
  preload(): void;
  /**
   * Loads the JavaScript parser (TypeScript, a quarter of a second), which is otherwise loaded at
   * the first parse: the editor's first check should not wait for it.
   */
  loadParser(): void;
  checker: DocumentChecker;
  lookup: PackageLookup;
  index: PopularIndex;
  pypiLookup: PackageLookup<PypiConfig>;
  tables: ExportTables;
  lockedVersions: LockedVersions;
  /** Full registry documents, reduced: risk signals, hover cards, the SBOM. */
  metadata: PackageMetadataStore;
  /** The hover card of a package name checked in `file`: cached facts only, never a request. */
  packageCard(file: string, pkg: CheckedPackage, finding: Finding | undefined, settings: GroundcheckSettings): string;
  /** Fetches in the background what the hover cards of a check's npm names show. */
  prefetchMetadata(file: string, packages: CheckedPackage[], settings: GroundcheckSettings): void;
  /** Writes every cache (registry answers, export tables) to disk; both adapters call it. */
  flush(): void;
  /** Empties every cache, in memory and on disk. */
  clear(): void;
}

/** The standalone server's and CLI's cache: $XDG_CACHE_HOME/groundcheck, else ~/.cache/groundcheck. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'groundcheck');
}

export function createCore(o: CoreOptions): Core {
  const index = new PopularIndex();
  const httpCacheDir = o.cacheDir ? path.join(o.cacheDir, 'http') : path.join(os.tmpdir(), 'groundcheck-http-cache');
  const npmClient = new NpmRegistryClient({ timeoutMs: o.timeoutMs ?? 5000, clock: systemClock, signal: o.deadline });
  const tables = new ExportTables({
    fs: nodeFileSystem,
    logger: o.logger,
    cacheDir: o.cacheDir,
    bundledNodeTypes: bundledNodeTypes(),
    // Versioned with exports-v5.jsonl (v5: members of named exports; side-effect requires open a table): a typed package served from this folder has no scripts left to
    // read run-time names from, so the folder and the table cache must be reset together.
    tarballs: new TarballStore({ dir: path.join(o.cacheDir ?? path.join(os.tmpdir(), 'groundcheck'), 'types-v4'), timeoutMs: o.timeoutMs ?? 5000, httpCacheDir, signal: o.deadline, packuments: npmClient }),
  });
  const lookup = new PackageLookup({
    client: npmClient,
    clock: systemClock,
    logger: o.logger,
    cacheDir: o.cacheDir,
    concurrency: o.concurrency,
    snapshot: index,
  });
  const pypiIndex = new PopularIndex(dataFile('pypi-popular.idx.gz'));
  const pypiClient = new PypiClient({ timeoutMs: o.timeoutMs ?? 5000, clock: systemClock, signal: o.deadline });
  // Project pages for lockfile hashes: asked once per name and index for ten minutes (a lockfile
  // and its neighbours in one run, or one editing session).
  const pypiFiles = new LRUCache<string, Promise<ProjectFiles | undefined>>({ max: 2_000, ttl: 10 * 60 * 1000 });
  const filesOf = (name: string, config: PypiConfig) => {
    const key = `${[config.indexUrl, ...config.extraIndexUrls].join(' ')}|${name}`;
    let pending = pypiFiles.get(key);
    if (!pending) pypiFiles.set(key, (pending = pypiClient.files(name, config)));
    return pending;
  };
  const pypiLookup = new PackageLookup<PypiConfig>({
    client: pypiClient,
    endpoint: pypiEndpoint,
    cacheFile: 'pypi-index.jsonl',
    clock: systemClock,
    logger: o.logger,
    cacheDir: o.cacheDir,
    concurrency: o.concurrency,
    snapshot: pypiIndex,
  });
  const lockedVersions = new LockedVersions({ packuments: npmClient, clock: systemClock, logger: o.logger, cacheDir: o.cacheDir, concurrency: o.concurrency });
  const metadata = new PackageMetadataStore({ client: npmClient, clock: systemClock, logger: o.logger, cacheDir: o.cacheDir });
  const derived = o.cacheDir ? new DerivedCache(path.join(o.cacheDir, 'derived'), nodeFileSystem, o.logger) : undefined;
  const checker = new DocumentChecker({
    extractor: o.extractor,
    derived,
    lockedVersions,
    risk: new RiskAssessor({ metadata, index, clock: systemClock }),
    python: { lookup: pypiLookup, index: pypiIndex, files: filesOf },
    fs: o.projectFs ?? nodeFileSystem,
    lookup,
    index,
    logger: o.logger,
    clock: systemClock,
    env: o.env ?? process.env,
    trusted: o.trusted ?? true,
    homeDir: o.homeDir,
    tables,
  });
  const npmConfigOf = (file: string, settings: GroundcheckSettings) => {
    const projects = checker.projects;
    return projects.npmConfigFor(projects.npm.forFile(file), projects.settingsFor(file, settings));
  };
  return {
    checker, lookup, index, pypiLookup, tables, lockedVersions, metadata,
    packageCard: (file, pkg, finding, settings) => {
      const npm = pkg.ecosystem === 'npm';
      const config = npm ? npmConfigOf(file, settings) : undefined;
      const popularIndex = npm ? index : pypiIndex;
      const publicName = npm && config ? !registryFor(config, pkg.name).scoped : true;
      return packageCard({
        pkg, finding,
        meta: config ? metadata.peek(pkg.name, config) : undefined,
        popularity: publicName ? { downloads: popularIndex.downloads(pkg.name), snapshotDate: popularIndex.date } : undefined,
        imitation: npm && publicName ? index.imitationOf(pkg.name) : undefined,
        thresholds: checker.projects.settingsFor(file, settings).risk,
        now: systemClock.now(),
      });
    },
    prefetchMetadata: (file, packages, settings) => {
      if (settings.offline) return;
      const config = npmConfigOf(file, settings);
      for (const p of packages) {
        if (p.ecosystem === 'npm' && p.status === 'exists' && !refusedByPrivateScope(config, p.name)) void metadata.get(p.name, config);
      }
    },
    preload: () => npmClient.preload(),
    loadParser: () => void checker.javascript.parser,
    flush: () => {
      lookup.flush();
      pypiLookup.flush();
      tables.flush();
      lockedVersions.flush();
      metadata.flush();
      derived?.flush();
    },
    clear: () => {
      lookup.clear();
      pypiLookup.clear();
      tables.clear();
      lockedVersions.clear();
      metadata.clear();
      derived?.clear();
    },
  };
}

/** Builds the editor-agnostic core with real I/O; the server, CLI and benchmarks start here. */
import * as os from 'os';
import * as path from 'path';
import { DocumentChecker } from './pipeline';
import { nodeFileSystem, systemClock, type Logger } from './io';
import { PackageLookup } from './registry/lookup';
import { NpmRegistryClient } from './registry/npmRegistry';
import { PopularIndex } from './suggest/popularIndex';
import { dataFile } from './dataFiles';
import { PypiClient } from './registry/pypi';
import { pypiEndpoint, type PypiConfig } from './registry/pipConfig';
import { ExportTables } from './exports/exportTables';
import { TarballStore } from './exports/tarballs';
import { bundledNodeTypes } from './exports/nodeTypes';
import { LockedVersions } from './registry/lockedVersions';
import { PackageMetadataStore } from './registry/packageMetadata';
import { RiskAssessor } from './findings/risk';

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
}

export interface Core {
  /** Loads what the first network lookup would (see NpmRegistryClient.preload). */
  preload(): void;
  checker: DocumentChecker;
  lookup: PackageLookup;
  index: PopularIndex;
  pypiLookup: PackageLookup<PypiConfig>;
  tables: ExportTables;
  lockedVersions: LockedVersions;
  /** Full registry documents, reduced: risk signals, hover cards, the SBOM. */
  metadata: PackageMetadataStore;
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
  const pypiLookup = new PackageLookup<PypiConfig>({
    client: new PypiClient({ timeoutMs: o.timeoutMs ?? 5000, clock: systemClock, signal: o.deadline }),
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
  const checker = new DocumentChecker({
    lockedVersions,
    risk: new RiskAssessor({ metadata, index, clock: systemClock }),
    python: { lookup: pypiLookup, index: pypiIndex },
    fs: nodeFileSystem,
    lookup,
    index,
    logger: o.logger,
    clock: systemClock,
    env: o.env ?? process.env,
    trusted: o.trusted ?? true,
    homeDir: o.homeDir,
    tables,
  });
  return {
    checker, lookup, index, pypiLookup, tables, lockedVersions, metadata,
    preload: () => npmClient.preload(),
    flush: () => {
      lookup.flush();
      pypiLookup.flush();
      tables.flush();
      lockedVersions.flush();
      metadata.flush();
    },
    clear: () => {
      lookup.clear();
      pypiLookup.clear();
      tables.clear();
      lockedVersions.clear();
      metadata.clear();
    },
  };
}

/**
 * Published packages that are not installed: their tarball, fetched with pacote (so .npmrc
 * registries, scopes and auth apply), is read in memory. Only declaration files and package.json
 * are written to the cache; JavaScript is kept in memory just long enough for the lexers when a
 * package has no types. Nothing is installed and nothing is executed.
 */
import * as path from 'path';
import { nodeFileSystem, type StorageFileSystem } from '../io';
import type * as Pacote from 'pacote';
import { refusedByPrivateScope, type NpmConfig } from '../registry/npmrc';
import { DEADLINE, type ReducedPackument } from '../registry/npmRegistry';
import * as semver from 'semver';
import type { PackageFiles } from './entryExports';

export interface TarballOptions {
  /** Where declaration files are kept: <dir>/<name>@<version>/node_modules/<name>/... */
  dir: string;
  timeoutMs: number;
  /** pacote's HTTP cache, for tarballs. */
  httpCacheDir?: string;
  fetchOptions?: Record<string, unknown>;
  /** Aborted when the run's overall deadline passes: no tarball is asked for after it. */
  signal?: AbortSignal;
  /** Registry documents, streamed and reduced (the same client the lookups use, which applies the same guards). */
  packuments: { packument(name: string, config: NpmConfig): Promise<ReducedPackument> };
  /** Where the unpacked declaration files go (the disk unless a test says otherwise). */
  fs?: StorageFileSystem;
}

/**
 * What the export tables need from a registry's tarballs: versions, and a package's declaration
 * files and scripts. TarballStore is the npm one; tests may hand in another.
 */
export interface TarballSource {
  resolveVersion(name: string, range: string, config: NpmConfig): Promise<string>;
  versions(name: string, config: NpmConfig): Promise<{ versions: string[]; latest?: string }>;
  fetch(name: string, version: string, config: NpmConfig): Promise<FetchedPackage>;
}

/** A tarball larger than this is not read (it would be for its types only). */
const MAX_TARBALL_BYTES = 64 * 1024 * 1024;
const MAX_JS_BYTES = 16 * 1024 * 1024;

const isDeclaration = (p: string) => /\.d\.[cm]?ts$/.test(p);
const isScript = (p: string) => /\.[cm]?js$/.test(p);

export interface FetchedPackage {
  name: string;
  version: string;
  /** Root that declarations resolve from: a specifier `name` resolves from `<root>/index.ts`. */
  root: string;
  /** The package folder in the cache (declarations and package.json only). */
  dir: string;
  hasDeclarations: boolean;
  /** Every file of the package that a lexer may read (declarations, package.json and, in memory, scripts). */
  files: PackageFiles;
}

export class TarballStore implements TarballSource {
  private readonly inFlight = new Map<string, Promise<FetchedPackage>>();

  constructor(private readonly options: TarballOptions) {}

  /** Every request goes through here: the private-scope policy holds for tarballs and version lists too. */
  private pacoteOptions(config: NpmConfig, name: string): Pacote.Options {
    const refused = refusedByPrivateScope(config, name);
    if (refused) throw Object.assign(new Error(refused), { code: 'EPRIVATE' });
    if (this.options.signal?.aborted) throw Object.assign(new Error(DEADLINE), { code: 'EDEADLINE' });
    return {
      ...config.options,
      fullMetadata: false,
      timeout: this.options.timeoutMs,
      fetchRetries: 1,
      cache: this.options.httpCacheDir,
      ...this.options.fetchOptions,
    } as Pacote.Options;
  }

  /**
   * The version a range (`^4`, `latest`) resolves to, as npm picks it: a dist-tag by name; for a
   * range, `latest` when it satisfies it, else the highest release that does. Throws E404 or ETARGET.
   */
  async resolveVersion(name: string, range: string, config: NpmConfig): Promise<string> {
    const p = await this.options.packuments.packument(name, config);
    const tagged = p['dist-tags']?.[range];
    if (tagged) return tagged;
    const latest = p['dist-tags']?.latest;
    if (latest && semver.satisfies(latest, range)) return latest;
    const version = semver.maxSatisfying(p.versions, range) ?? semver.maxSatisfying(p.versions, range, { includePrerelease: true });
    if (!version) throw Object.assign(new Error(`no version of ${name} satisfies ${range}`), { code: 'ETARGET' });
    return version;
  }

  /** Published versions of a package (from the packument), newest last is not guaranteed. */
  async versions(name: string, config: NpmConfig): Promise<{ versions: string[]; latest?: string }> {
    const p = await this.options.packuments.packument(name, config);
    return { versions: p.versions, latest: p['dist-tags']?.latest };
  }

  /** `name@version`, exact. Declarations come from the cache folder when it is already there. */
  fetch(name: string, version: string, config: NpmConfig): Promise<FetchedPackage> {
    const key = `${name}@${version}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.load(name, version, config).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async fetchTarball(url: string, integrity: string, options: Pacote.Options): Promise<Buffer> {
    const fetch = require('npm-registry-fetch') as (uri: string, opts: object) => Promise<{ buffer(): Promise<Buffer> }>;
    const res = await fetch(url, { ...options, integrity, signal: this.options.signal });
    return res.buffer();
  }

  private async load(name: string, version: string, config: NpmConfig): Promise<FetchedPackage> {
    const fs = this.options.fs ?? nodeFileSystem;
    const root = path.join(this.options.dir, `${name.replace('/', '+')}@${version}`);
    const dir = path.join(root, 'node_modules', name);
    const scripts = new Map<string, string>();
    const complete = path.join(root, '.complete');
    if (!fs.exists(complete)) {
      const pacote = require('pacote') as typeof Pacote;
      // Where the tarball is comes from the streamed document, so pacote need not fetch it again whole.
      const dist = (await this.options.packuments.packument(name, config).catch(() => undefined))?.dist.get(version);
      const options = { ...this.pacoteOptions(config, name), ...(dist ? { resolved: dist.tarball, integrity: dist.integrity } : {}) } as Pacote.Options;
      // With the tarball's address and integrity known, it is fetched directly (npm-registry-fetch:
      // the same auth rules as pacote, the integrity verified as it arrives). pacote would first
      // fetch the registry document again, whole: 50 MB for drizzle-orm.
      const tarball = await withTimeout(dist?.integrity ? this.fetchTarball(dist.tarball, dist.integrity, options) : pacote.tarball(`${name}@${version}`, options), this.options.timeoutMs * 4);
      if (tarball.length > MAX_TARBALL_BYTES) throw new Error(`tarball of ${name}@${version} is ${tarball.length} bytes; not read`);
      const entries = await readTarball(tarball, (p) => isDeclaration(p) || p === 'package.json' || isScript(p));
      fs.remove(root);
      let scriptBytes = 0;
      for (const [rel, content] of entries) {
        if (isScript(rel)) {
          scriptBytes += content.length;
          if (scriptBytes <= MAX_JS_BYTES) scripts.set(rel, content.toString('utf8'));
          continue;
        }
        fs.writeFile(path.join(dir, rel), content);
      }
      // Only a typed package can be served from the folder later: an untyped one needs its scripts again.
      if (hasDeclarationFiles(fs, dir)) fs.writeFile(complete, '');
    }
    const hasDeclarations = hasDeclarationFiles(fs, dir);
    return {
      name,
      version,
      root,
      dir,
      hasDeclarations,
      files: {
        read: (rel) => {
          const normal = path.posix.normalize(rel);
          if (normal.startsWith('..')) return undefined;
          if (isScript(normal)) return scripts.get(normal);
          return fs.readFile(path.join(dir, normal));
        },
      },
    };
  }
}

function hasDeclarationFiles(fs: StorageFileSystem, dir: string): boolean {
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    for (const e of fs.readDirEntries(d)) {
      if (e.isDirectory) stack.push(path.join(d, e.name));
      else if (isDeclaration(e.name)) return true;
    }
  }
  return false;
}

/**
 * The files of an npm tarball whose package-relative path passes `keep`. The first path component
 * (`package/`, or whatever the publisher used) is dropped; paths that climb out are refused.
 */
export async function readTarball(tarball: Buffer, keep: (relative: string) => boolean): Promise<Map<string, Buffer>> {
  const tar = require('tar') as typeof import('tar');
  const files = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    const parser = new tar.Parser({
      onReadEntry: (entry) => {
        const rel = path.posix.normalize(entry.path.split('/').slice(1).join('/'));
        if (entry.type !== 'File' || !rel || rel.startsWith('..') || path.posix.isAbsolute(rel) || !keep(rel)) {
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => files.set(rel, Buffer.concat(chunks)));
      },
    });
    parser.on('end', () => resolve());
    parser.on('error', reject);
    parser.on('warn', (_code: string, message: string | Error) => {
      if (String(message).includes('TAR_BAD_ARCHIVE')) reject(new Error('not a tar archive'));
    });
    parser.end(tarball);
  });
  return files;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`timed out after ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

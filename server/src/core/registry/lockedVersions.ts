/**
 * Whether a locked `name@version` is one the registry published, and with which integrity: the
 * facts a lockfile is checked against. One registry document per name however many versions of it
 * are locked (the abbreviated document, streamed and reduced by NpmRegistryClient, which applies the
 * private-scope policy and the run's deadline), a few names at a time.
 *
 * A published version's integrity never changes (npm refuses to republish a version), so answers
 * that exist are kept on disk for a month; "never published" is kept half an hour, as for names.
 */
import { LRUCache } from 'lru-cache';
import type { Clock, Logger, StorageFileSystem } from '../io';
import { DiskCache } from './diskCache';
import { DAY, Semaphore } from './lookup';
import { registryFor, type NpmConfig } from './npmrc';
import type { ReducedPackument } from './npmRegistry';
import { shasumIntegrity } from './integrity';

export type LockedVersionStatus = 'published' | 'missing-package' | 'missing-version' | 'unverified';

export interface LockedVersionFacts {
  status: LockedVersionStatus;
  registry: string;
  /** The registry's integrity strings for this version (`dist.integrity`, `dist.shasum` as sha1). */
  integrity?: string[];
  /** dist-tags.latest, for the message about a version that was never published. */
  latest?: string;
  /** Why it could not be verified. */
  reason?: string;
  checkedAt: number;
}

export interface LockedVersionsOptions {
  packuments: { packument(name: string, config: NpmConfig): Promise<ReducedPackument> };
  clock: Clock;
  logger: Logger;
  cacheDir?: string;
  fs?: StorageFileSystem;
  concurrency?: number;
}

const PUBLISHED_TTL_MS = 30 * DAY;
const MISSING_TTL_MS = 30 * 60 * 1000;
/** After the registry itself fails (5xx, network), the rest of the run is not spent asking it name after name. */
const REGISTRY_DOWN_MS = 30_000;

function isFacts(v: unknown): v is LockedVersionFacts {
  const f = v as LockedVersionFacts;
  return !!f && typeof f.registry === 'string' && typeof f.checkedAt === 'number' && ['published', 'missing-package', 'missing-version'].includes(f.status);
}

export class LockedVersions {
  private readonly memory = new LRUCache<string, LockedVersionFacts>({ max: 50_000 });
  private readonly disk: DiskCache<LockedVersionFacts> | undefined;
  private readonly inFlight = new Map<string, Promise<ReducedPackument>>();
  private readonly semaphore: Semaphore;
  private readonly down = new Map<string, { until: number; reason: string }>();

  constructor(private readonly o: LockedVersionsOptions) {
    this.semaphore = new Semaphore(o.concurrency ?? 8);
    this.disk = o.cacheDir ? new DiskCache<LockedVersionFacts>(`${o.cacheDir}/locked-versions.jsonl`, o.logger, isFacts, o.fs) : undefined;
  }

  async check(name: string, version: string, config: NpmConfig): Promise<LockedVersionFacts> {
    const registry = registryFor(config, name).url;
    const key = `${registry}|${name}@${version}`;
    const now = this.o.clock.now();
    const known = this.memory.get(key) ?? this.disk?.get(key);
    if (known && now - known.checkedAt < (known.status === 'published' ? PUBLISHED_TTL_MS : MISSING_TTL_MS)) return known;
    const down = this.down.get(registry);
    if (down && now < down.until) return { status: 'unverified', registry, reason: down.reason, checkedAt: now };
    let packument: ReducedPackument;
    try {
      packument = await this.packument(name, registry, config);
    } catch (e) {
      const err = e as { code?: string; statusCode?: number; message?: string };
      if (err.statusCode === 404 || err.code === 'E404') return this.remember(key, { status: 'missing-package', registry, checkedAt: now });
      const reason = err.statusCode ? `HTTP ${err.statusCode}` : (err.message ?? String(e));
      // 401/403 and the private-scope policy concern this name; anything else, the registry.
      if (err.code !== 'EPRIVATE' && !(err.statusCode && err.statusCode >= 400 && err.statusCode < 500 && err.statusCode !== 408 && err.statusCode !== 429)) {
        this.down.set(registry, { until: now + REGISTRY_DOWN_MS, reason });
      }
      this.o.logger.debug(`locked versions of ${name} at ${registry}: ${reason}`);
      return { status: 'unverified', registry, reason, checkedAt: now };
    }
    const latest = packument['dist-tags']?.latest;
    if (!packument.versions.includes(version)) return this.remember(key, { status: packument.versions.length ? 'missing-version' : 'missing-package', registry, latest, checkedAt: now });
    const dist = packument.dist.get(version);
    const integrity = [dist?.integrity, dist?.shasum ? shasumIntegrity(dist.shasum) : undefined].filter((x): x is string => !!x);
    return this.remember(key, { status: 'published', registry, integrity, latest, checkedAt: now });
  }

  private remember(key: string, facts: LockedVersionFacts): LockedVersionFacts {
    this.memory.set(key, facts);
    this.disk?.set(key, facts);
    return facts;
  }

  /** One document per name at a time, shared by the versions of it that are asked about together. */
  private packument(name: string, registry: string, config: NpmConfig): Promise<ReducedPackument> {
    const key = `${registry}|${name}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.semaphore.run(() => this.o.packuments.packument(name, config)).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  flush(): void {
    this.disk?.flush();
  }

  clear(): void {
    this.memory.clear();
    this.down.clear();
    this.disk?.clear();
  }
}

/**
 * The registry index as the checker sees it: a memory LRU over a disk cache over the network,
 * with one request per name however many documents ask, bounded concurrency, and TTLs that are
 * long for names that exist and short for names that do not (a missing name can be registered
 * later, which is exactly the slopsquatting attack).
 */
import { LRUCache } from 'lru-cache';
import type { Clock, Logger } from '../io';
import type { PackageInfo } from '../model';
import { DiskCache } from './diskCache';
import type { RegistryClient } from './npmRegistry';
import { registryFor, type NpmConfig } from './npmrc';

export interface Snapshot {
  /** Date of the snapshot, shown when an answer comes from it. */
  date: string;
  has(name: string): boolean;
}

/** Where a name is looked up; `scoped` marks a registry chosen for the name's scope. */
export interface Endpoint {
  url: string;
  scoped: boolean;
}

export interface LookupOptions<C> {
  client: RegistryClient<C>;
  /** The registry a name goes to under a configuration (npm: its scope's registry or the default). */
  endpoint?: (config: C, name: string) => Endpoint;
  /** File name of the persisted cache inside cacheDir. */
  cacheFile?: string;
  clock: Clock;
  logger: Logger;
  /** Directory for the persisted cache; undefined keeps it in memory only. */
  cacheDir?: string;
  concurrency?: number;
  existsTtlMs?: number;
  missingTtlMs?: number;
  /** How long a name whose lookup failed on its own (401/403) is remembered before it is retried. */
  failureBackoffMs?: number;
  snapshot?: Snapshot;
}

export const DAY = 24 * 60 * 60 * 1000;

export class Semaphore {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

function isPackageInfo(v: unknown): v is PackageInfo {
  const p = v as PackageInfo;
  return !!p && typeof p.name === 'string' && (p.status === 'exists' || p.status === 'missing') && typeof p.checkedAt === 'number' && typeof p.registry === 'string';
}

/** A registry that failed: no requests go to it until `until`. */
interface Cooldown {
  until: number;
  failures: number;
  reason: string;
}

/** First wait after a registry fault; it doubles with each consecutive fault up to the maximum. */
export const BACKOFF_START_MS = 1000;
export const BACKOFF_MAX_MS = 60_000;

export interface LookupStats {
  network: number;
  memoryHits: number;
  diskHits: number;
  failures: number;
}

export class PackageLookup<C = NpmConfig> {
  private readonly memory = new LRUCache<string, PackageInfo>({ max: 20_000 });
  private readonly failures = new LRUCache<string, PackageInfo>({ max: 5_000 });
  private readonly inFlight = new Map<string, Promise<PackageInfo>>();
  private readonly cooldowns = new Map<string, Cooldown>();
  private readonly disk: DiskCache<PackageInfo> | undefined;
  private readonly semaphore: Semaphore;
  readonly stats: LookupStats = { network: 0, memoryHits: 0, diskHits: 0, failures: 0 };

  private readonly endpoint: (config: C, name: string) => Endpoint;

  constructor(private readonly o: LookupOptions<C>) {
    this.semaphore = new Semaphore(o.concurrency ?? 8);
    this.disk = o.cacheDir ? new DiskCache<PackageInfo>(`${o.cacheDir}/${o.cacheFile ?? 'npm-registry.jsonl'}`, o.logger, isPackageInfo) : undefined;
    this.endpoint = o.endpoint ?? (registryFor as unknown as (config: C, name: string) => Endpoint);
  }

  private ttl(info: PackageInfo): number {
    return info.status === 'exists' ? (this.o.existsTtlMs ?? 7 * DAY) : (this.o.missingTtlMs ?? 30 * 60 * 1000);
  }

  private fresh(info: PackageInfo): boolean {
    return this.o.clock.now() - info.checkedAt < this.ttl(info);
  }

  /** A cached answer without touching the network; expired "exists" still counts offline. */
  peek(name: string, config: C, allowExpired = false): PackageInfo | undefined {
    const key = this.cacheKey(name, config);
    const hit = this.memory.get(key) ?? this.disk?.get(key);
    if (!hit) return undefined;
    const usable = this.fresh(hit) || (allowExpired && hit.status === 'exists');
    return usable ? { ...hit, source: 'cache' } : undefined;
  }

  /** Answers for a name without the network: cache, then the bundled snapshot, else unverified. */
  offline(name: string, config: C): PackageInfo {
    const cached = this.peek(name, config, true);
    if (cached) return cached;
    return this.fromSnapshot(name, config, 'offline mode') ?? {
      name, status: 'unverified', registry: this.endpoint(config, name).url, reason: 'offline mode', source: 'offline', checkedAt: this.o.clock.now(),
    };
  }

  private fromSnapshot(name: string, config: C, reason: string): PackageInfo | undefined {
    // Only the public registry's snapshot can vouch for a name, and only that it exists.
    if (!this.o.snapshot?.has(name) || this.endpoint(config, name).scoped) return undefined;
    return { name, status: 'exists', registry: this.endpoint(config, name).url, reason: `${reason}; known from the ${this.o.snapshot.date} snapshot`, source: 'snapshot', checkedAt: this.o.clock.now() };
  }

  lookup(name: string, config: C): Promise<PackageInfo> {
    const key = this.cacheKey(name, config);
    const mem = this.memory.get(key);
    if (mem && this.fresh(mem)) {
      this.stats.memoryHits++;
      return Promise.resolve({ ...mem, source: 'cache' });
    }
    const disk = this.disk?.get(key);
    if (disk && this.fresh(disk)) {
      this.stats.diskHits++;
      this.memory.set(key, disk);
      return Promise.resolve({ ...disk, source: 'cache' });
    }
    const failed = this.failures.get(key);
    if (failed && this.o.clock.now() - failed.checkedAt < (this.o.failureBackoffMs ?? 30_000)) return Promise.resolve(failed);
    const running = this.inFlight.get(key);
    if (running) return running;
    const registry = this.endpoint(config, name).url;
    const cooled = this.cooldownAnswer(name, config, registry);
    if (cooled) return Promise.resolve(cooled);
    const request = this.semaphore
      .run((): Promise<{ cooled: PackageInfo } | { info: PackageInfo }> => {
        // Queued behind a registry that has since failed: do not wait on it again, name after name.
        const cooled = this.cooldownAnswer(name, config, registry);
        if (cooled) return Promise.resolve({ cooled });
        this.stats.network++;
        return this.o.client.fetch(name, config).then((info) => {
          // Recorded before the slot is released, so the requests queued behind this one see it.
          if (info.status === 'unverified' && info.registryFault !== false) this.coolDown(registry, info);
          return { info };
        });
      })
      .then((outcome) => {
        if ('cooled' in outcome) return outcome.cooled;
        const info = outcome.info;
        if (info.status === 'unverified') {
          this.stats.failures++;
          this.o.logger.warn(`registry lookup of ${name} at ${info.registry} failed: ${info.reason}`);
          const fallback = this.fromSnapshot(name, config, info.reason ?? 'registry unavailable');
          const answer = fallback ?? info;
          if (info.registryFault === false) this.failures.set(key, answer);
          return answer;
        }
        this.cooldowns.delete(registry);
        this.failures.delete(key);
        this.memory.set(key, info);
        this.disk?.set(key, info);
        return info;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, request);
    return request;
  }

  /** The answer while a registry is being backed off from: the snapshot's word, else unverified. */
  private cooldownAnswer(name: string, config: C, registry: string): PackageInfo | undefined {
    const cooling = this.cooldowns.get(registry);
    if (!cooling || this.o.clock.now() >= cooling.until) return undefined;
    const wait = Math.ceil((cooling.until - this.o.clock.now()) / 1000);
    const reason = `${cooling.reason}; not asking again for ${wait} s`;
    return this.fromSnapshot(name, config, reason) ?? { name, status: 'unverified', registry, reason, registryFault: true, source: 'registry', checkedAt: this.o.clock.now() };
  }

  /** Backs off from a failing registry: Retry-After when it gave one, else doubling waits. */
  private coolDown(registry: string, info: PackageInfo): void {
    const failures = (this.cooldowns.get(registry)?.failures ?? 0) + 1;
    const wait = info.retryAfterMs ?? Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** (failures - 1));
    this.cooldowns.set(registry, { until: this.o.clock.now() + wait, failures, reason: info.reason ?? 'registry unavailable' });
  }

  /** Registries currently being backed off from, for the status and the log. */
  get degradedRegistries(): string[] {
    const now = this.o.clock.now();
    return [...this.cooldowns].filter(([, c]) => now < c.until).map(([r]) => r);
  }

  private cacheKey(name: string, config: C): string {
    return `${this.endpoint(config, name).url} ${name}`;
  }

  clear(): void {
    this.memory.clear();
    this.failures.clear();
    this.cooldowns.clear();
    this.disk?.clear();
  }

  flush(): void {
    this.disk?.flush();
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  get cachedEntries(): number {
    return Math.max(this.memory.size, this.disk?.size ?? 0);
  }
}



/**
 * Full registry documents, reduced to `PackageMetadata`: asked for only where a verdict or a hover
 * card needs what the abbreviated document leaves out (publication times, repository, install
 * scripts). A memory LRU over a disk cache (npm-metadata.jsonl, a day), one request per name at a
 * time, a few names at once; `peek` answers from the caches alone, for hover.
 */
import { LRUCache } from 'lru-cache';
import type { Clock, Logger, StorageFileSystem } from '../io';
import type { PackageMetadata } from '../model';
import { DiskCache } from './diskCache';
import { DAY, Semaphore } from './lookup';
import { registryFor, type NpmConfig } from './npmrc';

export interface MetadataOptions {
  client: { metadata(name: string, config: NpmConfig): Promise<PackageMetadata> };
  clock: Clock;
  logger: Logger;
  cacheDir?: string;
  fs?: StorageFileSystem;
  concurrency?: number;
}

const METADATA_TTL_MS = DAY;

function isMetadata(v: unknown): v is PackageMetadata {
  const m = v as PackageMetadata;
  return !!m && typeof m.name === 'string' && typeof m.registry === 'string' && typeof m.versionCount === 'number' && Array.isArray(m.installScripts) && typeof m.checkedAt === 'number';
}

export class PackageMetadataStore {
  private readonly memory = new LRUCache<string, PackageMetadata>({ max: 5_000 });
  private readonly disk: DiskCache<PackageMetadata> | undefined;
  private readonly inFlight = new Map<string, Promise<PackageMetadata | undefined>>();
  private readonly semaphore: Semaphore;

  constructor(private readonly o: MetadataOptions) {
    this.semaphore = new Semaphore(o.concurrency ?? 4);
    this.disk = o.cacheDir ? new DiskCache<PackageMetadata>(`${o.cacheDir}/npm-metadata.jsonl`, o.logger, isMetadata, o.fs) : undefined;
  }

  private key(name: string, config: NpmConfig): string {
    return `${registryFor(config, name).url}|${name}`;
  }

  /** The cached metadata of a name, fresh or not; never a request. */
  peek(name: string, config: NpmConfig): PackageMetadata | undefined {
    const key = this.key(name, config);
    return this.memory.get(key) ?? this.disk?.get(key);
  }

  /** The metadata of a name; undefined when the registry could not give it (never a verdict by itself). */
  get(name: string, config: NpmConfig): Promise<PackageMetadata | undefined> {
    const key = this.key(name, config);
    const cached = this.memory.get(key) ?? this.disk?.get(key);
    if (cached && this.o.clock.now() - cached.checkedAt < METADATA_TTL_MS) return Promise.resolve(cached);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.semaphore
        .run(() => this.o.client.metadata(name, config))
        .then(
          (meta) => {
            this.memory.set(key, meta);
            this.disk?.set(key, meta);
            return meta;
          },
          (e: unknown) => {
            this.o.logger.debug(`metadata of ${name}: ${(e as Error).message}`);
            return cached; // an older answer is better than none for a hover card
          },
        )
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  flush(): void {
    this.disk?.flush();
  }

  clear(): void {
    this.memory.clear();
    this.disk?.clear();
  }
}

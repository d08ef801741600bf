/**
 * What is derived from a large file's text and costs more to recompute than to read back: the
 * versions a pnpm-lock.yaml locks, a lockfile's entries. Keyed by a hash of the text (and the
 * kind of derivation, versioned), so an edited file never gets a stale answer; written as one
 * small JSON file per text under <cacheDir>/derived/. A cache that cannot be read or written is
 * no cache: the value is computed.
 */
import { createHash } from 'crypto';
import * as path from 'path';
import { replaceFile, silentLogger, type Logger, type StorageFileSystem } from './io';
import { DiskCache } from './registry/diskCache';

/** Bump when a derivation's output changes shape. */
const VERSION = 1;
/** Texts smaller than this are cheaper to parse again than to hash and read back. */
const MIN_TEXT = 64 * 1024;
/** Each edit of a lockfile is a new text: past this many of a kind, the older ones are dropped. */
const MAX_PER_KIND = 16;
const MAX_SMALL_FACTS = 20_000;

export class DerivedCache {
  private smallFacts: DiskCache<unknown> | undefined;

  constructor(private readonly dir: string, private readonly fs: StorageFileSystem, private readonly logger: Logger = silentLogger) {}

  /**
   * The same for small texts whose reading needs the TypeScript parser (a .d.ts file's `declare
   * module` names, a bundler config's aliases): the parse is cheap, but a warm run that parses
   * nothing in this thread does not pay the parser's warm-up (0.2 s of astro's run). One line per
   * text in one file.
   */
  small<T>(kind: string, text: string, compute: () => T): T {
    this.smallFacts ??= new DiskCache<unknown>(path.join(this.dir, `small-v${VERSION}.jsonl`), this.logger, (v): v is unknown => v !== undefined, this.fs);
    const key = createHash('sha1').update(`${kind}\0`).update(text).digest('hex');
    const stored = this.smallFacts.get(key);
    if (stored !== undefined) return stored as T;
    const value = compute();
    // (edited texts add lines; past this many the file starts again)
    if (this.smallFacts.size > MAX_SMALL_FACTS) this.smallFacts.clear();
    this.smallFacts.set(key, value);
    return value;
  }

  flush(): void {
    this.smallFacts?.flush();
  }

  get<T>(kind: string, text: string, compute: () => T): T {
    if (text.length < MIN_TEXT) return compute();
    const key = createHash('sha1').update(`${VERSION}\0${kind}\0`).update(text).digest('hex');
    const file = path.join(this.dir, `${kind}-${key}.json`);
    const stored = this.fs.readFile(file);
    if (stored !== undefined) {
      try {
        return JSON.parse(stored) as T;
      } catch {
        // a torn write: computed and written again below
      }
    }
    const value = compute();
    try {
      this.prune(kind);
      replaceFile(this.fs, file, JSON.stringify(value));
    } catch {
      // read-only or full disk: the next run computes it again
    }
    return value;
  }

  /** Keeps the folder bounded: a kind with too many texts starts again from the new one. */
  private prune(kind: string): void {
    const mine = this.fs.readDirEntries(this.dir).filter((e) => e.name.startsWith(`${kind}-`));
    if (mine.length < MAX_PER_KIND) return;
    for (const e of mine) this.fs.remove(path.join(this.dir, e.name));
  }

  clear(): void {
    this.smallFacts?.clear();
    this.fs.remove(this.dir);
  }
}

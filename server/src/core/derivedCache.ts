/**
 * What is derived from a large file's text and costs more to recompute than to read back: the
 * versions a pnpm-lock.yaml locks, a lockfile's entries. Keyed by a hash of the text (and the
 * kind of derivation, versioned), so an edited file never gets a stale answer; written as one
 * small JSON file per text under <cacheDir>/derived/. A cache that cannot be read or written is
 * no cache: the value is computed.
 */
import { createHash } from 'crypto';
import * as path from 'path';
import type { StorageFileSystem } from './io';

/** Bump when a derivation's output changes shape. */
const VERSION = 1;
/** Texts smaller than this are cheaper to parse again than to hash and read back. */
const MIN_TEXT = 64 * 1024;
/** Each edit of a lockfile is a new text: past this many of a kind, the older ones are dropped. */
const MAX_PER_KIND = 16;

export class DerivedCache {
  constructor(private readonly dir: string, private readonly fs: StorageFileSystem) {}

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
      const tmp = `${file}.${process.pid}.tmp`;
      this.fs.writeFile(tmp, JSON.stringify(value));
      this.fs.rename(tmp, file);
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
    this.fs.remove(this.dir);
  }
}

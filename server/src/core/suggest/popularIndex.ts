/**
 * The bundled popularity index (see scripts/build-index.ts): which real names are close to a
 * made-up one, and whether a name was known to exist on the snapshot's day. Loaded lazily: the
 * first missing name pays ~100 ms, a session without any pays nothing.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import type { Snapshot } from '../registry/lookup';
import { LRUCache } from 'lru-cache';
import { boundedDistance, charMask, popcount } from './distance';

/** The index sits in server/data in a checkout and in dist/data beside the bundled server. */
export function defaultIndexPath(file = 'npm-popular.idx.gz'): string {
  const candidates = [path.join(__dirname, 'data', file)];
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    candidates.push(path.join(dir, 'server', 'data', file));
  }
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[0];
}

interface Loaded {
  date: string;
  /** Popularity bucket (10*log10 monthly downloads) by name. */
  bucket: Map<string, number>;
  /** Lower-cased names grouped by length, for the length filter, with their character masks. */
  byLength: Map<number, { names: string[]; lower: string[]; masks: number[] }>;
}

export interface Suggestion {
  name: string;
  distance: number;
}

export class PopularIndex implements Snapshot {
  private loaded: Loaded | undefined;
  private failed = false;
  private readonly memo = new LRUCache<string, Suggestion[]>({ max: 2_000 });

  constructor(private readonly file: string = defaultIndexPath()) {}

  private load(): Loaded | undefined {
    if (this.loaded || this.failed) return this.loaded;
    try {
      const text = zlib.gunzipSync(fs.readFileSync(this.file)).toString('utf8');
      const lines = text.split('\n');
      const date = /snapshot ([\d-]+)/.exec(lines[0])?.[1] ?? 'unknown';
      const bucket = new Map<string, number>();
      const byLength: Loaded['byLength'] = new Map();
      for (const line of lines) {
        if (!line || line.startsWith('#')) continue;
        const tab = line.indexOf('\t');
        const name = line.slice(0, tab);
        bucket.set(name, Number(line.slice(tab + 1)));
        let group = byLength.get(name.length);
        if (!group) byLength.set(name.length, (group = { names: [], lower: [], masks: [] }));
        const lower = name.toLowerCase();
        group.names.push(name);
        group.lower.push(lower);
        group.masks.push(charMask(lower));
      }
      this.loaded = { date, bucket, byLength };
    } catch {
      this.failed = true; // no index: no suggestions, never a crash
    }
    return this.loaded;
  }

  get date(): string {
    return this.load()?.date ?? 'unknown';
  }

  has(name: string): boolean {
    return this.load()?.bucket.has(name) ?? false;
  }

  /** Monthly downloads on the snapshot's day (approximate), 0 when unknown. */
  downloads(name: string): number {
    const b = this.load()?.bucket.get(name);
    return b === undefined ? 0 : Math.round(10 ** (b / 10));
  }

  /**
   * Up to `limit` real names close to `name`: edit distance (with transpositions) within a bound
   * that grows with length, ranked by distance minus a popularity bonus, so `expresss` gives
   * `express` before a rarely used name at the same distance.
   */
  suggest(name: string, limit = 3): Suggestion[] {
    const key = `${limit} ${name}`;
    let result = this.memo.get(key);
    if (!result) {
      result = this.search(name, limit);
      this.memo.set(key, result);
    }
    return result;
  }

  private search(name: string, limit: number): Suggestion[] {
    const idx = this.load();
    if (!idx) return [];
    const lower = name.toLowerCase();
    const mask = charMask(lower);
    const maxDistance = Math.max(1, Math.min(4, Math.floor(lower.length / 4)));
    const scored: { name: string; distance: number; score: number }[] = [];
    for (let len = lower.length - maxDistance; len <= lower.length + maxDistance; len++) {
      const group = idx.byLength.get(len);
      if (!group) continue;
      for (let i = 0; i < group.names.length; i++) {
        if (popcount(mask ^ group.masks[i]) > 2 * maxDistance) continue;
        const candidate = group.names[i];
        if (candidate === name) continue;
        const d = boundedDistance(lower, group.lower[i], maxDistance);
        if (d > maxDistance) continue;
        const popularity = Math.min(1.5, Math.max(0, ((idx.bucket.get(candidate) ?? 30) - 30) / 40));
        scored.push({ name: candidate, distance: d, score: d - popularity });
      }
    }
    scored.sort((a, b) => a.score - b.score || a.distance - b.distance || (a.name < b.name ? -1 : 1));
    return scored.slice(0, limit).map(({ name: n, distance }) => ({ name: n, distance }));
  }
}

/**
 * The bundled popularity index (see scripts/build-index.ts): which real names are close to a
 * made-up one, and whether a name was known to exist on the snapshot's day. Loaded lazily: the
 * first missing name pays ~100 ms, a session without any pays nothing.
 *
 * Memory matters (the server's budget is 150 MB): the decompressed text is kept as one string and
 * indexed with typed arrays, rather than as 180,000 separate strings in Maps.
 */
import * as fs from 'fs';
import * as zlib from 'zlib';
import { LRUCache } from 'lru-cache';
import type { Snapshot } from '../registry/lookup';
import { boundedDistance, charMask, HistogramBound, popcount } from './distance';
import { dataFile } from '../dataFiles';

interface Loaded {
  date: string;
  /** `name\tbucket\n` lines, sorted by name. */
  text: string;
  /** Start of each line in `text`; one extra entry marks the end. */
  lineStart: Int32Array;
  /** Offset of the tab in each line (= end of the name). */
  nameEnd: Int32Array;
  /** Character-class mask of each lower-cased name, for the distance lower bound. */
  masks: Int32Array;
  /** Line numbers ordered by name length, and where each length starts in that order. */
  byLength: Int32Array;
  lengthStart: Int32Array;
}

export interface Suggestion {
  name: string;
  distance: number;
}

const MAX_NAME = 214; // npm's limit

export class PopularIndex implements Snapshot {
  private loaded: Loaded | undefined;
  private failed = false;
  private preparing: Promise<void> | undefined;
  private readonly memo = new LRUCache<string, Suggestion[]>({ max: 2_000 });

  /** `file`: the index to read; by default the npm one shipped in server/data (dist/data when bundled). */
  constructor(private readonly file: string = dataFile('npm-popular.idx.gz')) {}

  /**
   * Loads the index without blocking: decompression on the thread pool, parsing in slices with
   * the event loop free in between. The server awaits this before its first suggestion.
   */
  ready(): Promise<void> {
    if (this.loaded || this.failed) return Promise.resolve();
    this.preparing ??= fs.promises
      .readFile(this.file)
      .then((gz) => new Promise<Buffer>((resolve, reject) => zlib.gunzip(gz, (e, out) => (e ? reject(e) : resolve(out)))))
      .then(async (raw) => {
        const parser = parseIndex(raw.toString('utf8'));
        while (!parser.next().done) await new Promise<void>((r) => setImmediate(r));
        this.loaded ??= parser.result;
      })
      .catch(() => {
        this.failed = true; // no index: no suggestions and no offline answers, never a crash
      });
    return this.preparing;
  }

  private load(): Loaded | undefined {
    if (this.loaded || this.failed) return this.loaded;
    try {
      const parser = parseIndex(zlib.gunzipSync(fs.readFileSync(this.file)).toString('utf8'));
      while (!parser.next().done);
      this.loaded = parser.result;
    } catch {
      this.failed = true; // no index: no suggestions and no offline answers, never a crash
    }
    return this.loaded;
  }

  get date(): string {
    return this.load()?.date ?? 'unknown';
  }

  private nameAt(idx: Loaded, line: number): string {
    return idx.text.slice(idx.lineStart[line], idx.nameEnd[line]);
  }

  private find(name: string): number {
    const idx = this.load();
    if (!idx) return -1;
    let lo = 0;
    let hi = idx.nameEnd.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const candidate = this.nameAt(idx, mid);
      if (candidate === name) return mid;
      if (candidate < name) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  has(name: string): boolean {
    return this.find(name) >= 0;
  }

  private bucket(idx: Loaded, line: number): number {
    return Number(idx.text.slice(idx.nameEnd[line] + 1, idx.lineStart[line + 1] - 1));
  }

  /** Monthly downloads on the snapshot's day (approximate), 0 when unknown. */
  downloads(name: string): number {
    const line = this.find(name);
    return line < 0 ? 0 : Math.round(10 ** (this.bucket(this.loaded!, line) / 10));
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
    const histogram = new HistogramBound(lower);
    const scored = new Map<string, { name: string; distance: number; score: number }>();
    const consider = (candidate: string, line: number, d: number) => {
      const popularity = Math.min(1.5, Math.max(0, (this.bucket(idx, line) - 30) / 40));
      scored.set(candidate, { name: candidate, distance: d, score: d - popularity });
    };
    /** Every name within `max` edits whose length differs by `minDelta`..`max`. */
    const scan = (max: number, minDelta: number) => {
      for (let len = Math.max(0, lower.length - max); len <= Math.min(MAX_NAME + 1, lower.length + max); len++) {
        if (Math.abs(len - lower.length) < minDelta) continue;
        for (let k = idx.lengthStart[len]; k < idx.lengthStart[len + 1]; k++) {
          const line = idx.byLength[k];
          if (popcount(mask ^ idx.masks[line]) > 2 * max) continue;
          if (histogram.lowerBound(idx.text, idx.lineStart[line], idx.nameEnd[line], max) > max) continue;
          const candidate = this.nameAt(idx, line);
          if (candidate === name || scored.has(candidate)) continue;
          const d = boundedDistance(lower, candidate.toLowerCase(), max);
          if (d <= max) consider(candidate, line, d);
        }
      }
    };
    const maxDistance = Math.max(1, Math.min(3, Math.floor(lower.length / 4)));
    scan(maxDistance, 0);
    // Assistants embellish real names (`-pro`, `-v2`, `-plus`, `node-`): a real name left after
    // dropping a token or two is a candidate even when it is further away in edits.
    for (const stem of stems(name)) {
      const line = this.find(stem);
      if (line >= 0 && stem !== name && !scored.has(stem)) consider(stem, line, boundedDistance(lower, stem.toLowerCase(), MAX_NAME));
    }
    // Long names with nothing close: one more edit (the costly search, so only when it is needed).
    if (lower.length >= 16 && ![...scored.values()].some((c) => c.distance <= maxDistance)) scan(maxDistance + 1, 0);
    // A far stem is offered only when nothing close was found.
    const close = [...scored.values()].filter((c) => c.distance <= maxDistance + 1);
    return (close.length > 0 ? close : [...scored.values()])
      .sort((a, b) => a.score - b.score || a.distance - b.distance || (a.name < b.name ? -1 : 1))
      .slice(0, limit)
      .map(({ name: n, distance }) => ({ name: n, distance }));
  }
}

/** `express-rate-limiter-pro` -> `express-rate-limiter`, `express-rate`; `node-fetch-v3` -> `fetch-v3`, `node-fetch`... */
export function stems(name: string): string[] {
  const scope = name.startsWith('@') ? name.slice(0, name.indexOf('/') + 1) : '';
  const tokens = name.slice(scope.length).split(/(?=[-_.])/);
  if (tokens.length < 2) return [];
  const out: string[] = [];
  for (let k = 1; k <= 2 && k < tokens.length; k++) {
    out.push(scope + tokens.slice(0, -k).join(''));
    out.push(scope + tokens.slice(k).join('').replace(/^[-_.]/, ''));
  }
  if (scope) out.push(tokens.join('').replace(/^[-_.]/, ''));
  return [...new Set(out)].filter((s) => s.length > 1 && s !== scope);
}

/** Slices of the parse between which the event loop may run. */
const LINES_PER_SLICE = 20_000;

/**
 * Parses the index text into typed arrays. A generator so that the caller decides whether to run
 * it in one go or in slices; `result` is set when it is done.
 */
function parseIndex(raw: string): Generator<void, void, void> & { result?: Loaded } {
  const state: { result?: Loaded } = {};
  function* run(): Generator<void, void, void> {
    const headerEnd = raw.startsWith('#') ? raw.indexOf('\n') + 1 : 0;
    const date = /snapshot ([\d-]+)/.exec(raw.slice(0, headerEnd))?.[1] ?? 'unknown';
    const text = raw.slice(headerEnd);
    let lines = 0;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines++;
    yield;
    const lineStart = new Int32Array(lines + 1);
    const nameEnd = new Int32Array(lines);
    const masks = new Int32Array(lines);
    const lengthCount = new Int32Array(MAX_NAME + 2);
    let line = 0;
    let start = 0;
    for (let i = 0; i < text.length && line < lines; i++) {
      const c = text.charCodeAt(i);
      if (c === 9) nameEnd[line] = i;
      else if (c === 10) {
        lineStart[line] = start;
        const len = Math.min(MAX_NAME + 1, nameEnd[line] - start);
        lengthCount[len]++;
        let m = 0;
        for (let j = start; j < nameEnd[line]; j++) m |= 1 << (lowerCode(text.charCodeAt(j)) % 32);
        masks[line] = m;
        start = i + 1;
        line++;
        if (line % LINES_PER_SLICE === 0) yield;
      }
    }
    lineStart[lines] = text.length;
    const lengthStart = new Int32Array(MAX_NAME + 3);
    for (let len = 0; len <= MAX_NAME + 1; len++) lengthStart[len + 1] = lengthStart[len] + lengthCount[len];
    const fill = lengthStart.slice();
    const byLength = new Int32Array(lines);
    for (let l = 0; l < lines; l++) byLength[fill[Math.min(MAX_NAME + 1, nameEnd[l] - lineStart[l])]++] = l;
    state.result = { date, text, lineStart, nameEnd, masks, byLength, lengthStart };
  }
  const gen = run();
  // (defineProperty, not Object.assign: assign would copy the getter's value at this moment)
  return Object.defineProperty(gen, 'result', { get: () => state.result }) as Generator<void, void, void> & { result?: Loaded };
}

function lowerCode(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

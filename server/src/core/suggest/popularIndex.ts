/**
 * The bundled popularity index (see scripts/build-index.ts): which real names are close to a
 * made-up one, and whether a name was known to exist on the snapshot's day. Loaded lazily: the
 * first missing name pays ~100 ms, a session without any pays nothing.
 *
 * Memory matters (the server's budget is 150 MB): the decompressed text is kept as one string and
 * indexed with typed arrays, rather than as 180,000 separate strings in Maps.
 */
import { nodeFileSystem as fs } from '../io';
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
  /**
   * The same for the names popular enough to be imitated (SQUAT_MIN_BUCKET and up, a few thousand):
   * the squat and imitation searches, asked of every name a repository uses, scan only these.
   */
  popularByLength: Int32Array;
  popularLengthStart: Int32Array;
  /** Popularity bucket of each line: round(10 * log10(monthly downloads)). */
  buckets: Uint8Array;
}

/** A far more popular package that a name imitates. */
export interface SquatTarget {
  popular: string;
  distance: number;
  /** How many times more downloads the popular package has (a lower bound when the name is not in the index). */
  ratio: number;
}

/** Names shorter than this have too many real neighbours for an edit distance to mean anything. */
const SQUAT_MIN_LENGTH = 5;
/** The imitated package has at least 100x the downloads... */
const SQUAT_RATIO_BUCKETS = 20;
/** ...and at least 100,000 a month (a name absent from the index has under 1,000, taken as 1,000). */
const SQUAT_MIN_BUCKET = 50;
const ABSENT_BUCKET = 30;
/** A name with a million downloads a month is established, whatever it resembles. */
const ESTABLISHED_BUCKET = 60;

/** How a name imitates a popular one (see `imitationOf`). */
export interface Imitation extends SquatTarget {
  how: 'typo' | 'near' | 'filler';
}

/** Words squatters add to a popular name (`-v2`, `-pro`, `-utils`, ...). */
const FILLER = /^(?:v\d+|\d+|pro|plus|utils?|helpers?|enhanced|extra|extended|official|fixed|secure|lite|latest|new|tools?|kit)$/i;
/** Two edits away means something only for names this long (`gc-esm` is two edits from `qs-esm`). */
const NEAR_MIN_LENGTH = 8;

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
  private readonly squats = new LRUCache<string, SquatTarget | false>({ max: 5_000 });
  private readonly imitations = new LRUCache<string, Imitation | false>({ max: 5_000 });

  /** `file`: the index to read; by default the npm one shipped in server/data (dist/data when bundled). */
  constructor(private readonly file: string = dataFile('npm-popular.idx.gz')) {}

  /**
   * Loads the index without blocking: decompression on the thread pool, parsing in slices with
   * the event loop free in between. The server awaits this before its first suggestion.
   */
  ready(): Promise<void> {
    if (this.loaded || this.failed) return Promise.resolve();
    this.preparing ??= fs
      .readBytesAsync(this.file)
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
      const parser = parseIndex(zlib.gunzipSync(fs.readBytes(this.file)).toString('utf8'));
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
    return idx.buckets[line];
  }

  /**
   * The squat rule: a name that is a typing slip (`isTypoOf`) of a package with at least 100x its
   * downloads and 100,000 a month. Such names are what typosquatters and slopsquatters register;
   * they are never offered as a fix or an install. Left alone: names under five characters (short
   * names are dense: `koa`/`kea`), names with a million downloads a month, and a scope's own names
   * against each other (only the scope's owner can publish there).
   */
  squatOf(name: string): SquatTarget | undefined {
    if (!this.squats.has(name)) this.squats.set(name, this.findSquat(name) ?? false);
    return this.squats.get(name) || undefined;
  }

  private findSquat(name: string): SquatTarget | undefined {
    return this.findImitated(name, (lower, candidate) => isTypoOf(lower, candidate));
  }

  /**
   * A far more popular package `name` is close to, by `close` (both lower-cased), with the same
   * thresholds as the squat rule: at least 100x the downloads and 100,000 a month, and never
   * against the name's own scope.
   */
  private findImitated(name: string, close: (lower: string, candidate: string) => boolean): SquatTarget | undefined {
    const idx = this.load();
    if (!idx) return undefined;
    const bare = name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name;
    if (bare.length < SQUAT_MIN_LENGTH) return undefined;
    const own = this.find(name);
    const ownBucket = own >= 0 ? idx.buckets[own] : ABSENT_BUCKET;
    if (ownBucket >= ESTABLISHED_BUCKET) return undefined;
    const needed = Math.max(SQUAT_MIN_BUCKET, ownBucket + SQUAT_RATIO_BUCKETS);
    const lower = name.toLowerCase();
    const max = 2;
    const mask = charMask(lower);
    const scope = name.startsWith('@') ? name.slice(0, name.indexOf('/')) : undefined;
    let best: { line: number; distance: number } | undefined;
    for (let len = Math.max(0, lower.length - max); len <= Math.min(MAX_NAME + 1, lower.length + max); len++) {
      for (let k = idx.popularLengthStart[len]; k < idx.popularLengthStart[len + 1]; k++) {
        const line = idx.popularByLength[k];
        if (idx.buckets[line] < needed || line === own) continue;
        if (popcount(mask ^ idx.masks[line]) > 2 * max) continue;
        const candidate = this.nameAt(idx, line);
        if (scope && candidate.startsWith(`${scope}/`)) continue;
        if (candidate === name || !close(lower, candidate.toLowerCase())) continue;
        const d = boundedDistance(lower, candidate.toLowerCase(), 2);
        if (!best || idx.buckets[line] > idx.buckets[best.line]) best = { line, distance: d };
      }
    }
    if (!best) return undefined;
    return { popular: this.nameAt(idx, best.line), distance: best.distance, ratio: Math.round(10 ** ((idx.buckets[best.line] - ownBucket) / 10)) };
  }

  /**
   * Whether a name imitates a far more popular package, in one of the ways squatters name things:
   * a typing slip (the squat rule), two edits away (names of eight characters or more), or the popular
   * name with a filler word (`axios-helper`, `pro-lodash`, `react-v2`). Unlike `squatOf`, an imitation
   * alone is no verdict: the risk signals combine it with what the registry says (findings/risk.ts).
   */
  imitationOf(name: string): Imitation | undefined {
    if (!this.imitations.has(name)) this.imitations.set(name, this.findImitation(name) ?? false);
    return this.imitations.get(name) || undefined;
  }

  private findImitation(name: string): Imitation | undefined {
    const squat = this.squatOf(name);
    if (squat) return { ...squat, how: 'typo' };
    const idx = this.load();
    if (!idx) return undefined;
    const own = this.find(name);
    const ownBucket = own >= 0 ? idx.buckets[own] : ABSENT_BUCKET;
    if (ownBucket >= ESTABLISHED_BUCKET) return undefined;
    const needed = Math.max(SQUAT_MIN_BUCKET, ownBucket + SQUAT_RATIO_BUCKETS);
    const scope = name.startsWith('@') ? name.slice(0, name.indexOf('/') + 1) : '';
    const tokens = name.slice(scope.length).split(/([-_.])/); // words and the separators between them
    if (tokens.length >= 3) {
      const words = tokens.filter((_, i) => i % 2 === 0);
      const rests: string[] = [];
      if (FILLER.test(words[words.length - 1])) rests.push(tokens.slice(0, -2).join(''));
      if (FILLER.test(words[0])) rests.push(tokens.slice(2).join(''));
      for (const rest of rests) {
        const line = this.find(scope + rest);
        if (line >= 0 && idx.buckets[line] >= needed) return { popular: scope + rest, distance: 0, ratio: Math.round(10 ** ((idx.buckets[line] - ownBucket) / 10)), how: 'filler' };
      }
    }
    const bare = name.slice(scope.length);
    if (bare.length < NEAR_MIN_LENGTH) return undefined;
    const near = this.findImitated(name, (lower, candidate) => boundedDistance(lower, candidate, 2) <= 2);
    return near && { ...near, how: 'near' };
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
    const ranked = (close.length > 0 ? close : [...scored.values()]).sort((a, b) => a.score - b.score || a.distance - b.distance || (a.name < b.name ? -1 : 1));
    // A suggestion is something people will install: never a name that is itself a squat.
    const out: Suggestion[] = [];
    for (const c of ranked) {
      if (out.length >= limit) break;
      if (!this.squatOf(c.name)) out.push({ name: c.name, distance: c.distance });
    }
    return out;
  }
}

const SEPARATORS = /[-_.]/g;
const HOMOGLYPHS: Record<string, string> = { '0': 'o', '1': 'l', i: 'l', '3': 'e', '5': 's' };

/**
 * Whether `name` is `popular` with one slip of the kind typosquatters register (both lower-cased):
 * the same letters with other separators (`react_dom`, `reactdom`), a doubled letter (`expresss`),
 * a letter dropped or added inside the name (`expres`, `loadash`), two neighbours swapped (`loadsh`),
 * or a look-alike character (`l0dash`). An added or changed letter at either end (`bases`,
 * `xdiff`, `uuidv1`) and ordinary substitutions (`esbuild`/`msbuild`) are how real names differ.
 */
export function isTypoOf(name: string, popular: string): boolean {
  if (name === popular) return true; // differs only by case
  const a = name.replace(SEPARATORS, '');
  const b = popular.replace(SEPARATORS, '');
  if (a === b) return true; // only the separators differ
  if (name.length === popular.length + 1) {
    for (let i = 0; i < name.length; i++) {
      if (name.slice(0, i) + name.slice(i + 1) !== popular) continue;
      if (name[i] === name[i - 1] || name[i] === name[i + 1]) return true; // doubled letter
      if (i > 0 && i < name.length - 1 && !/[-_.]/.test(name[i])) return true; // added inside
    }
    return false;
  }
  if (name.length === popular.length - 1) {
    for (let i = 1; i < popular.length - 1; i++) if (popular.slice(0, i) + popular.slice(i + 1) === name && !/[-_.]/.test(popular[i])) return true;
    return false;
  }
  if (name.length !== popular.length) return false;
  const diff: number[] = [];
  for (let i = 0; i < name.length && diff.length <= 2; i++) if (name[i] !== popular[i]) diff.push(i);
  if (diff.length === 2 && diff[1] === diff[0] + 1 && name[diff[0]] === popular[diff[1]] && name[diff[1]] === popular[diff[0]]) return true; // swapped
  if (diff.length === 1) {
    const x = HOMOGLYPHS[name[diff[0]]] ?? name[diff[0]];
    const y = HOMOGLYPHS[popular[diff[0]]] ?? popular[diff[0]];
    return x === y; // look-alike
  }
  return false;
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
    const buckets = new Uint8Array(lines);
    const lengthCount = new Int32Array(MAX_NAME + 2);
    let line = 0;
    let start = 0;
    // One pass over the characters: the name's character mask as it is read, then the bucket's
    // digits (the CLI loads this on every run: slicing and Number() per line took twice as long)
    let inName = true;
    let mask = 0;
    let bucket = 0;
    for (let i = 0; i < text.length && line < lines; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        if (inName) nameEnd[line] = i; // a line without a bucket
        lineStart[line] = start;
        buckets[line] = Math.min(255, bucket);
        lengthCount[Math.min(MAX_NAME + 1, nameEnd[line] - start)]++;
        masks[line] = mask;
        start = i + 1;
        line++;
        inName = true;
        mask = 0;
        bucket = 0;
        if (line % LINES_PER_SLICE === 0) yield;
      } else if (inName) {
        if (c === 9) {
          nameEnd[line] = i;
          inName = false;
        } else mask |= 1 << (lowerCode(c) % 32);
      } else if (c >= 48 && c <= 57) bucket = bucket * 10 + (c - 48);
    }
    lineStart[lines] = text.length;
    const lengthStart = new Int32Array(MAX_NAME + 3);
    for (let len = 0; len <= MAX_NAME + 1; len++) lengthStart[len + 1] = lengthStart[len] + lengthCount[len];
    const fill = lengthStart.slice();
    const byLength = new Int32Array(lines);
    for (let l = 0; l < lines; l++) byLength[fill[Math.min(MAX_NAME + 1, nameEnd[l] - lineStart[l])]++] = l;
    // (byLength is ordered by length, so its popular lines come out ordered by length too)
    const popular: number[] = [];
    const popularLengthStart = new Int32Array(MAX_NAME + 3);
    for (let len = 0; len <= MAX_NAME + 1; len++) {
      for (let k = lengthStart[len]; k < lengthStart[len + 1]; k++) if (buckets[byLength[k]] >= SQUAT_MIN_BUCKET) popular.push(byLength[k]);
      popularLengthStart[len + 1] = popular.length;
    }
    state.result = { date, text, lineStart, nameEnd, masks, byLength, lengthStart, buckets, popularByLength: Int32Array.from(popular), popularLengthStart };
  }
  const gen = run();
  // (defineProperty, not Object.assign: assign would copy the getter's value at this moment)
  return Object.defineProperty(gen, 'result', { get: () => state.result }) as Generator<void, void, void> & { result?: Loaded };
}

function lowerCode(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

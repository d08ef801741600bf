/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), giving up as soon
 * as every cell of a row exceeds `max`. Row buffers are reused: this runs over the whole index.
 */
let rows: Int32Array[] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

export function boundedDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const n = b.length;
  if (rows[0].length <= n) rows = [new Int32Array(n + 1), new Int32Array(n + 1), new Int32Array(n + 1)];
  let [prevPrev, prev, cur] = rows;
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ac = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const bc = b.charCodeAt(j - 1);
      let v = prev[j - 1] + (ac === bc ? 0 : 1);
      if (prev[j] + 1 < v) v = prev[j] + 1;
      if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
      if (i > 1 && j > 1 && ac === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bc && prevPrev[j - 2] + 1 < v) v = prevPrev[j - 2] + 1;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prevPrev;
    prevPrev = prev;
    prev = cur;
    cur = t;
  }
  return prev[n];
}

/**
 * Which of 32 character classes occur in a string. One edit changes at most two bits, so
 * popcount(maskA ^ maskB) / 2 is a lower bound on the distance: a cheap first filter.
 */
export function charMask(s: string): number {
  let m = 0;
  for (let i = 0; i < s.length; i++) m |= 1 << (s.charCodeAt(i) % 32);
  return m;
}

export function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * A lower bound on the edit distance from one query to many candidates: half the L1 distance
 * between their character counts (a substitution changes two counts by one, an insertion or
 * deletion one, a transposition none). Candidates are read in place from a larger string.
 */
export class HistogramBound {
  private readonly diff = new Int16Array(64);
  private readonly queryClasses: number[] = [];

  constructor(query: string) {
    for (let i = 0; i < query.length; i++) {
      const c = lowerClass(query.charCodeAt(i));
      if (this.diff[c] === 0) this.queryClasses.push(c);
      this.diff[c]++;
    }
  }

  /** ceil(L1 / 2) between the query and text[start, end), or more than `max` as soon as that is certain. */
  lowerBound(text: string, start: number, end: number, max: number): number {
    const diff = this.diff;
    let l1 = 0;
    // Count the candidate against the query; a class going below zero is surplus in the candidate.
    for (let i = start; i < end; i++) {
      const c = lowerClass(text.charCodeAt(i));
      if (--diff[c] < 0) l1++;
    }
    for (const c of this.queryClasses) if (diff[c] > 0) l1 += diff[c];
    // restore
    for (let i = start; i < end; i++) diff[lowerClass(text.charCodeAt(i))]++;
    return (l1 + 1) >> 1 > max ? max + 1 : (l1 + 1) >> 1;
  }
}

function lowerClass(c: number): number {
  return (c >= 65 && c <= 90 ? c + 32 : c) & 63;
}

/**
 * What parsing a JavaScript/TypeScript text yielded, kept across CLI runs by a hash of the text: a
 * run over a repository checked before parses only the files edited since (ESLint's and knip's
 * `--cache` keep their per-file results the same way). Extraction is a pure function of the text,
 * the kind of file and this tool's version, and the key holds all three, so an edited file, a
 * renamed extension or an upgrade never gets an old answer.
 *
 * One JSON line per text in one file. Lines are parsed only when their text is asked for (astro's
 * 2,800 files make 7 MB of lines, most of which a run over one package never reads); new lines
 * are appended a megabyte at a time, not held; the file is rewritten with each file's latest text
 * once the older texts outweigh them (see flush).
 */
import { createHash } from 'crypto';
import * as path from 'path';
import { replaceFile, type Logger, type StorageFileSystem } from '../io';
import { toolVersion } from '../version';
import type { DocumentInput, ExtractOutcome } from './document';
import type { Extractor } from './extractPool';

/** Bump when what extraction returns changes shape or meaning (a release changes the key anyway). */
const FORMAT = 2;
/** Stale lines are dropped once there are more of them than current ones, and more than this. */
const COMPACT_FLOOR_BYTES = 4 * 1024 * 1024;

type Extracted = Extract<ExtractOutcome, { ok: true }>;

function isExtracted(v: unknown): v is Extracted {
  const o = v as Partial<Extracted> | null;
  return !!o && o.ok === true && Array.isArray(o.references) && Array.isArray(o.apis) && Array.isArray(o.declaredModules) && Array.isArray(o.suppressions) && typeof o.typeChecked === 'boolean';
}

/**
 * What besides the text decides the parse: the language id or the extension (the script kind), and
 * whether TypeScript takes the name for a declaration file (`.d.ts`, `.d.mts`, `.d.cts`, or
 * `.d.<anything>.ts`, as its own isDeclarationFileName says).
 */
function kindOf(doc: Pick<DocumentInput, 'path' | 'languageId'>): string {
  const base = doc.path.slice(Math.max(doc.path.lastIndexOf('/'), doc.path.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  const extension = dot >= 0 ? base.slice(dot).toLowerCase() : '';
  const declaration = /\.d\.[cm]?ts$/.test(base) || (base.endsWith('.ts') && base.includes('.d.'));
  return `${doc.languageId ?? ''}\0${extension}\0${declaration ? 'd' : ''}`;
}

const LINE_PREFIX = '{"k":"';
const KEY_LENGTH = 40; // sha1, hex
const PATH_PREFIX = '","p":"';

/** New lines are appended once this many are waiting, not held to the end of the run. */
const APPEND_BYTES = 1024 * 1024;

/** A line's key and the file it was parsed from (the older texts of a file are what compaction drops). */
interface LineFacts {
  key: string;
  path: string;
}

export class ExtractionCache {
  /** Lines read from the file, by key, parsed when asked for (new lines are not held: they go to the file). */
  private readonly lines = new Map<string, string>();
  /** The latest text of each file and the length of its line: what a compaction keeps. */
  private readonly latest = new Map<string, { key: string; bytes: number }>();
  private pending: string[] = [];
  private pendingBytes = 0;
  private fileBytes = 0;
  /** Bytes of lines for texts their file has since left behind (an edit, a rename). */
  private staleBytes = 0;
  private broken = false;
  private readonly version = `${FORMAT}\0${toolVersion()}`;

  constructor(private readonly file: string, private readonly fs: StorageFileSystem, private readonly logger: Logger) {
    const text = fs.readFile(file);
    if (text === undefined) return; // the first run
    this.fileBytes = text.length;
    for (const line of text.split('\n')) {
      const facts = factsOfLine(line);
      if (!facts) {
        this.staleBytes += line.length + 1;
        continue;
      }
      this.lines.set(facts.key, line);
      this.noteLatest(facts, line.length + 1);
    }
  }

  /** Under a cache folder: `<cacheDir>/derived/extracted-v<FORMAT>.jsonl`. */
  static under(cacheDir: string, fs: StorageFileSystem, logger: Logger): ExtractionCache {
    return new ExtractionCache(path.join(cacheDir, 'derived', `extracted-v${FORMAT}.jsonl`), fs, logger);
  }

  keyOf(doc: DocumentInput): string {
    return createHash('sha1').update(`${this.version}\0${kindOf(doc)}\0`).update(doc.text).digest('hex');
  }

  /** Whether this text's extraction is kept (without reading it back). */
  has(doc: DocumentInput): boolean {
    return this.lines.has(this.keyOf(doc));
  }

  /** The kept extraction of a text from an earlier run. */
  get(doc: DocumentInput, key = this.keyOf(doc)): Extracted | undefined {
    const line = this.lines.get(key);
    if (line === undefined) return undefined;
    let value: unknown;
    try {
      value = (JSON.parse(line) as { v?: unknown }).v;
    } catch {
      value = undefined; // a torn write: parsed again and written again
    }
    if (!isExtracted(value)) {
      this.lines.delete(key);
      return undefined;
    }
    this.noteLatest({ key, path: doc.path }, line.length + 1);
    return value;
  }

  set(doc: DocumentInput, outcome: Extracted, key = this.keyOf(doc)): void {
    const line = JSON.stringify({ k: key, p: doc.path, v: outcome });
    this.noteLatest({ key, path: doc.path }, line.length + 1);
    this.pending.push(line);
    this.pendingBytes += line.length + 1;
    if (this.pendingBytes >= APPEND_BYTES) this.append();
  }

  /**
   * Appends this run's new texts. Once the file holds more stale lines (older texts of files
   * edited since) than current ones, it is rewritten with each file's latest text, for files that
   * still exist. A run over a few files (a pre-commit `--changed`) keeps every other file's.
   */
  flush(): void {
    this.append();
    if (this.broken) return;
    const currentBytes = this.fileBytes - this.staleBytes;
    if (this.staleBytes <= Math.max(COMPACT_FLOOR_BYTES, currentBytes)) return;
    try {
      const kept = new Map<string, string>();
      for (const line of (this.fs.readFile(this.file) ?? '').split('\n')) {
        const facts = factsOfLine(line);
        if (facts && this.latest.get(facts.path)?.key === facts.key && this.fs.exists(facts.path)) kept.set(`${facts.path}\0${facts.key}`, line);
      }
      const body = [...kept.values()].map((l) => l + '\n').join('');
      replaceFile(this.fs, this.file, body);
      this.fileBytes = body.length;
      this.staleBytes = 0;
    } catch (e) {
      this.fail(e);
    }
  }

  /** `path`'s text is now `key`'s: the line of its previous text, if another, is stale. */
  private noteLatest(facts: LineFacts, bytes: number): void {
    const before = this.latest.get(facts.path);
    if (before && before.key !== facts.key) this.staleBytes += before.bytes;
    this.latest.set(facts.path, { key: facts.key, bytes });
  }

  private append(): void {
    if (this.pending.length === 0 || this.broken) return;
    const chunk = this.pending.join('\n') + '\n';
    this.pending = [];
    this.pendingBytes = 0;
    try {
      this.fs.appendFile(this.file, chunk);
      this.fileBytes += chunk.length;
    } catch (e) {
      this.fail(e);
    }
  }

  /** A read-only or full disk: the next run parses again. Said once. */
  private fail(e: unknown): void {
    this.broken = true;
    this.pending = [];
    this.logger.warn(`parse results are not kept: cannot write ${this.file}: ${(e as Error).message}`);
  }
}

/**
 * A line's key and file, read without parsing its value (`{"k":"<key>","p":"<path>","v":...}`); none
 * for a line that is not one. A torn line keeps its key and path only if both are whole.
 */
function factsOfLine(line: string): LineFacts | undefined {
  if (!line.startsWith(LINE_PREFIX) || !line.startsWith(PATH_PREFIX, LINE_PREFIX.length + KEY_LENGTH)) return undefined;
  const open = LINE_PREFIX.length + KEY_LENGTH + PATH_PREFIX.length - 1; // the path's opening quote
  let end = open + 1;
  while (end < line.length && line.charCodeAt(end) !== 0x22) end += line.charCodeAt(end) === 0x5c ? 2 : 1; // (a backslash escapes the next)
  if (end >= line.length) return undefined;
  try {
    return { key: line.slice(LINE_PREFIX.length, LINE_PREFIX.length + KEY_LENGTH), path: JSON.parse(line.slice(open, end + 1)) as string };
  } catch {
    return undefined;
  }
}

/**
 * An extractor that answers from the cache and hands the rest to another (the parser pool) or,
 * without one, parses here; what a parse yields is kept. Documents that are not parsed (too large,
 * binary) are not kept: their reason costs nothing to find again.
 */
export class CachingExtractor implements Extractor {
  constructor(private readonly cache: ExtractionCache, private readonly inner?: Extractor) {}

  async extract(doc: DocumentInput): Promise<ExtractOutcome> {
    const key = this.cache.keyOf(doc);
    const kept = this.cache.get(doc, key);
    if (kept) return kept;
    const outcome = this.inner ? await this.inner.extract(doc) : (require('./document') as typeof import('./document')).extractReferences(doc);
    if (outcome.ok) this.cache.set(doc, outcome, key);
    return outcome;
  }
}

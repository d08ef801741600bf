/**
 * A persisted key/value log: one JSON object per line, appended as answers arrive and compacted
 * when it grows. A torn or corrupted line (crash mid-write, disk full) costs only that line.
 */
import { nodeFileSystem, replaceFile, type Logger, type StorageFileSystem } from '../io';

interface Line<V> {
  k: string;
  v: V;
}

const COMPACT_AFTER_LINES = 20_000;

export class DiskCache<V> {
  private readonly entries = new Map<string, V>();
  private lines = 0;
  private pending: string[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private broken = false;

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
    private readonly isValid: (v: unknown) => v is V,
    private readonly fs: StorageFileSystem = nodeFileSystem,
  ) {
    this.load();
  }

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  get size(): number {
    return this.entries.size;
  }

  set(key: string, value: V): void {
    this.entries.set(key, value);
    this.pending.push(JSON.stringify({ k: key, v: value }));
    this.scheduleFlush();
  }

  delete(key: string): void {
    if (!this.entries.delete(key)) return;
    this.pending.push(JSON.stringify({ k: key, v: null }));
    this.scheduleFlush();
  }

  clear(): void {
    this.entries.clear();
    this.pending = [];
    try {
      this.fs.remove(this.file);
    } catch (e) {
      this.logger.warn(`could not remove cache ${this.file}: ${(e as Error).message}`);
    }
    this.lines = 0;
  }

  /** Writes what is pending now; called on shutdown and by the timer. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0 || this.broken) return;
    const chunk = this.pending.join('\n') + '\n';
    this.pending = [];
    try {
      this.fs.appendFile(this.file, chunk);
      this.lines += chunk.split('\n').length - 1;
      if (this.lines > COMPACT_AFTER_LINES && this.lines > this.entries.size * 2) this.compact();
    } catch (e) {
      // A read-only or full disk leaves us with the memory cache; say so once.
      this.broken = true;
      this.logger.warn(`registry cache is memory-only: cannot write ${this.file}: ${(e as Error).message}`);
    }
  }

  private scheduleFlush(): void {
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), 500);
      this.flushTimer.unref();
    }
  }

  private load(): void {
    const text = this.fs.readFile(this.file);
    if (text === undefined) return; // first run
    let bad = 0;
    for (const raw of text.split('\n')) {
      if (!raw) continue;
      this.lines++;
      let line: Line<V | null>;
      try {
        line = JSON.parse(raw);
      } catch {
        bad++;
        continue;
      }
      if (!line || typeof line.k !== 'string') {
        bad++;
      } else if (line.v === null) {
        this.entries.delete(line.k);
      } else if (this.isValid(line.v)) {
        this.entries.set(line.k, line.v);
      } else bad++;
    }
    if (bad > 0) {
      this.logger.warn(`registry cache ${this.file}: dropped ${bad} damaged line(s), kept ${this.entries.size} entries`);
      this.compact();
    }
  }

  /** Rewrites the file with only live entries, atomically (write then rename). */
  private compact(): void {
    try {
      const body = [...this.entries].map(([k, v]) => JSON.stringify({ k, v })).join('\n');
      replaceFile(this.fs, this.file, body ? body + '\n' : '');
      this.lines = this.entries.size;
    } catch (e) {
      this.logger.warn(`could not compact registry cache ${this.file}: ${(e as Error).message}`);
    }
  }
}

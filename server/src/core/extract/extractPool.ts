/**
 * Parsing on the other cores: a pool of worker threads that run extractReferences, for the CLI's
 * runs over thousands of files. Extraction is pure (text in, plain data out), so the main thread
 * goes on resolving and looking up what earlier files referenced while the workers parse the next
 * ones. A document whose extraction throws (a parser stack overflow) rejects with the same kind of
 * error, so the checker turns it into that file's `check-failed` finding as it would in-thread.
 *
 * Files read ahead are shared through claims: one list every worker walks, each file claimed with
 * an atomic compare-and-swap on a shared array before it is parsed, so a worker that has parsed
 * small files takes the next one instead of waiting behind a share fixed in advance. (This thread
 * does not take part: its parser is cold, and on excalidraw parsing here once its own work was
 * done made the run 0.4 s slower, not faster.)
 */
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { DocumentInput, ExtractOutcome } from './document';

/**
 * Parsing in this thread, for the few documents no worker takes. Required when first needed: this
 * module is loaded before anything else (server/src/bin/groundcheck.ts starts the workers first),
 * and the parser would load TypeScript in this thread before the workers are on their way.
 */
const extractHere = (doc: DocumentInput): ExtractOutcome => (require('./document') as typeof import('./document')).extractReferences(doc);

/** How many parser workers a run over many files gets: the other cores, up to three. */
export function parserWorkerCount(): number {
  return Math.max(1, Math.min(os.availableParallelism() - 1, 3));
}

export interface Extractor {
  extract(doc: DocumentInput): Promise<ExtractOutcome>;
}

export type ExtractRequest =
  /** A document to parse. */
  | { id: number; doc: DocumentInput }
  /**
   * Files to read and parse, in order, each only once its claim is won (`claims[i]` from UNCLAIMED
   * to `claimer`); the reply for `files[i]` carries the id `first + i`.
   */
  | { first: number; files: string[]; claims: SharedArrayBuffer; claimer: number };

export type ExtractReply =
  /** `length`: of the text parsed, for a file the worker read (see readAhead). */
  | { id: number; outcome: ExtractOutcome; length?: number }
  /** A file the worker could not read or would not parse (too large, binary): the checker says why, as it does without a pool. */
  | { id: number; unread: true }
  | { id: number; error: { name: string; message: string } };

/** The values of a claim: nobody's yet, or a worker's (WORKER + its slot). */
export const UNCLAIMED = 0;
const WORKER = 1;

type Parsed = { outcome: ExtractOutcome; length?: number };
/** A read-ahead's answer, kept as a value so that one nobody asks for never becomes an unhandled rejection. */
type AheadAnswer = { parsed: Parsed } | { error: Error } | undefined;

interface Ahead {
  id: number;
  claims: Int32Array;
  index: number;
  answer: Promise<AheadAnswer>;
}

interface Slot {
  worker: Worker;
  claimer: number;
  busy: number;
  /** The worker failed or exited: its documents were rejected, no new ones go to it. */
  dead: boolean;
}

interface Waiting {
  resolve: (p: Parsed | undefined) => void;
  reject: (e: Error) => void;
  /** The slot a document was posted to; for a file read ahead, the claim that says who has it. */
  slot?: Slot;
  claim?: { claims: Int32Array; index: number };
}

export class ExtractPool implements Extractor {
  private readonly slots: Slot[] = [];
  private readonly waiting = new Map<number, Waiting>();
  private readonly ahead = new Map<string, Ahead>();
  private nextId = 0;
  private closed = false;
  /** The workers were let go once everything read ahead was answered (see settle); later documents are parsed here. */
  private retired = false;
  /** Files read ahead not answered yet: at none, the workers have nothing left to do (see settle). */
  private unanswered = 0;

  /** `script`: the worker's file (extractWorker.js beside this module, in the tsc build and the bundle alike). */
  constructor(size: number, script = path.join(__dirname, 'extractWorker.js')) {
    for (let i = 0; i < size; i++) {
      // (the same small young generation as the CLI's main thread: parse trees are short-lived)
      const worker = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      const slot: Slot = { worker, claimer: WORKER + i, busy: 0, dead: false };
      worker.on('message', (reply: ExtractReply) => {
        const pending = this.waiting.get(reply.id);
        if (!pending) return;
        this.waiting.delete(reply.id);
        if (pending.slot) slot.busy--;
        if ('outcome' in reply) pending.resolve({ outcome: reply.outcome, length: reply.length });
        else if ('unread' in reply) pending.resolve(undefined);
        else pending.reject(reply.error.name === 'RangeError' ? new RangeError(reply.error.message) : Object.assign(new Error(reply.error.message), { name: reply.error.name }));
      });
      // A worker that dies takes its documents with it: they fail (as check-failed), the rest go on.
      worker.on('error', (e) => this.failSlot(slot, e));
      worker.on('exit', (code) => {
        if (!this.closed && !this.retired) this.failSlot(slot, new Error(`the parser worker exited (${code})`));
      });
      this.slots.push(slot);
    }
  }

  /**
   * Starts parsing these files now, in this order, each read by a worker itself: the checker's own
   * pace no longer decides when the workers have work. (On astro this thread spends its first
   * seconds on project facts and READMEs while the worker waited for requests, then the worker
   * parsed while this thread waited.) Only the small extraction results wait here, not the texts.
   */
  readAhead(files: string[]): void {
    const fresh = [...new Set(files)].filter((f) => !this.ahead.has(f));
    const alive = this.slots.filter((s) => !s.dead);
    if (fresh.length === 0 || alive.length === 0 || this.closed || this.retired) return;
    const shared = new SharedArrayBuffer(fresh.length * Int32Array.BYTES_PER_ELEMENT);
    const claims = new Int32Array(shared);
    const first = this.nextId;
    this.nextId += fresh.length;
    fresh.forEach((file, index) => {
      const id = first + index;
      this.unanswered++;
      const answer = new Promise<Parsed | undefined>((resolve, reject) => this.waiting.set(id, { resolve, reject, claim: { claims, index } }))
        .finally(() => this.settle())
        .then(
        (parsed): AheadAnswer => parsed && { parsed },
        (error: Error): AheadAnswer => ({ error }),
      );
      this.ahead.set(file, { id, claims, index, answer });
    });
    for (const slot of alive) slot.worker.postMessage({ first, files: fresh, claims: shared, claimer: slot.claimer } satisfies ExtractRequest);
  }

  async extract(doc: DocumentInput): Promise<ExtractOutcome> {
    const ahead = this.ahead.get(doc.path);
    if (ahead) {
      this.ahead.delete(doc.path);
      const answer = await ahead.answer;
      if (answer && 'error' in answer) throw answer.error;
      // (the worker read the same file: the same length says the checker has the text it parsed)
      if (answer && answer.parsed.length === doc.text.length) return answer.parsed.outcome;
      // It could not read the file, or read another text than the checker has: parsed here.
      return extractHere(doc);
    }
    const parsed = await this.post(doc);
    if (!parsed) throw new Error('the parser worker could not read the document');
    return parsed.outcome;
  }

  private post(doc: DocumentInput): Promise<Parsed | undefined> {
    const alive = this.slots.filter((s) => !s.dead);
    if (this.closed) return Promise.reject(new Error('the parser pool is closed'));
    // (no worker left, let go or dead: the document is parsed here, as it would be without a pool)
    if (this.retired || alive.length === 0) return Promise.resolve().then(() => ({ outcome: extractHere(doc) }));
    const slot = alive.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ id, doc: { path: doc.path, text: doc.text, languageId: doc.languageId } } satisfies ExtractRequest);
    });
  }

  /**
   * Its documents and the file it was parsing fail (as that file's check-failed); files nobody has
   * claimed are left to the other workers, or, when none is left, answered "not read" so that they
   * are parsed in this thread when asked for, rather than waited for forever.
   */
  private failSlot(slot: Slot, e: Error): void {
    slot.dead = true;
    const noneLeft = this.slots.every((s) => s.dead);
    for (const [id, pending] of this.waiting) {
      const claim = pending.claim && Atomics.load(pending.claim.claims, pending.claim.index);
      if (pending.slot === slot || claim === slot.claimer) {
        this.waiting.delete(id);
        pending.reject(e);
      } else if (noneLeft && claim === UNCLAIMED) {
        this.waiting.delete(id);
        pending.resolve(undefined);
      }
    }
  }

  /**
   * One file read ahead is answered. When none is left and no document is out, the workers are let
   * go: a cold CLI run goes on asking the registry long after the parsing is done, and a worker's
   * heap (the TypeScript compiler, its parse trees) is tens of megabytes of its peak.
   */
  private settle(): void {
    if (--this.unanswered > 0 || this.slots.some((s) => s.busy > 0)) return;
    this.retired = true;
    for (const slot of this.slots) void slot.worker.terminate();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

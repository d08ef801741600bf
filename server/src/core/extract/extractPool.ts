/**
 * Parsing on the other cores: a pool of worker threads that run extractReferences, for the CLI's
 * runs over thousands of files. Extraction is pure (text in, plain data out), so the main thread
 * goes on resolving and looking up what earlier files referenced while the workers parse the next
 * ones. A document whose extraction throws (a parser stack overflow) rejects with the same kind of
 * error, so the checker turns it into that file's `check-failed` finding as it would in-thread.
 */
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { DocumentInput, ExtractOutcome } from './document';

export interface Extractor {
  extract(doc: DocumentInput): Promise<ExtractOutcome>;
}

/** A document to parse, or a file the worker reads itself (read-ahead: its text is not held here). */
export type ExtractRequest = { id: number; doc: DocumentInput } | { id: number; file: string };

export type ExtractReply =
  /** `length`: of the text parsed, for a file the worker read (see readAhead). */
  | { id: number; outcome: ExtractOutcome; length?: number }
  /** A file the worker could not read or would not parse (too large, binary): the checker says why, as it does without a pool. */
  | { id: number; unread: true }
  | { id: number; error: { name: string; message: string } };

type Parsed = { outcome: ExtractOutcome; length?: number };
/** A read-ahead's answer, kept as a value so that one nobody asks for never becomes an unhandled rejection. */
type AheadAnswer = { parsed: Parsed } | { error: Error } | undefined;

interface Slot {
  worker: Worker;
  busy: number;
  /** The worker failed or exited: its documents were rejected, no new ones go to it. */
  dead: boolean;
}

export class ExtractPool implements Extractor {
  private readonly slots: Slot[] = [];
  private readonly waiting = new Map<number, { resolve: (p: Parsed | undefined) => void; reject: (e: Error) => void; slot: Slot }>();
  private readonly ahead = new Map<string, Promise<AheadAnswer>>();
  private nextId = 0;
  private closed = false;

  /** `script`: the worker's file (extractWorker.js beside this module, in the tsc build and the bundle alike). */
  constructor(size: number, script = path.join(__dirname, 'extractWorker.js')) {
    for (let i = 0; i < size; i++) {
      // (the same small young generation as the CLI's main thread: parse trees are short-lived)
      const worker = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      const slot: Slot = { worker, busy: 0, dead: false };
      worker.on('message', (reply: ExtractReply) => {
        const pending = this.waiting.get(reply.id);
        if (!pending) return;
        this.waiting.delete(reply.id);
        slot.busy--;
        if ('outcome' in reply) pending.resolve({ outcome: reply.outcome, length: reply.length });
        else if ('unread' in reply) pending.resolve(undefined);
        else pending.reject(reply.error.name === 'RangeError' ? new RangeError(reply.error.message) : Object.assign(new Error(reply.error.message), { name: reply.error.name }));
      });
      // A worker that dies takes its documents with it: they fail (as check-failed), the rest go on.
      worker.on('error', (e) => this.failSlot(slot, e));
      worker.on('exit', (code) => {
        if (!this.closed) this.failSlot(slot, new Error(`the parser worker exited (${code})`));
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
    for (const file of files) {
      if (this.ahead.has(file)) continue;
      this.ahead.set(
        file,
        this.post({ file }).then(
          (parsed): AheadAnswer => parsed && { parsed },
          (error: Error): AheadAnswer => ({ error }),
        ),
      );
    }
  }

  async extract(doc: DocumentInput): Promise<ExtractOutcome> {
    const ahead = this.ahead.get(doc.path);
    if (ahead) {
      this.ahead.delete(doc.path);
      const answer = await ahead;
      if (answer && 'error' in answer) throw answer.error;
      // (the worker read the same file: the same length says the checker has the text it parsed)
      if (answer && answer.parsed.length === doc.text.length) return answer.parsed.outcome;
    }
    const parsed = await this.post({ doc: { path: doc.path, text: doc.text, languageId: doc.languageId } });
    if (!parsed) throw new Error('the parser worker could not read the document');
    return parsed.outcome;
  }

  private post(request: { doc: DocumentInput } | { file: string }): Promise<Parsed | undefined> {
    const alive = this.slots.filter((s) => !s.dead);
    if (this.closed || alive.length === 0) return Promise.reject(new Error('the parser pool is closed'));
    const slot = alive.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ id, ...request } satisfies ExtractRequest);
    });
  }

  private failSlot(slot: Slot, e: Error): void {
    slot.dead = true;
    for (const [id, pending] of this.waiting) {
      if (pending.slot !== slot) continue;
      this.waiting.delete(id);
      pending.reject(e);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

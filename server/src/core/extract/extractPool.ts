/**
 * Parsing on the other cores: a pool of worker threads that run extractReferences, for the CLI's
 * runs over thousands of files. Extraction is pure (text in, plain data out), so the main thread
 * goes on resolving and looking up what earlier files referenced while the workers parse the next
 * ones. A document whose extraction throws (a parser stack overflow) rejects with the same kind of
 * error, so the checker turns it into that file's `check-failed` finding as it would in-thread.
 */
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { DocumentInput, ExtractOutcome } from './index';

export interface Extractor {
  extract(doc: DocumentInput): Promise<ExtractOutcome>;
}

export interface ExtractRequest {
  id: number;
  doc: DocumentInput;
}

export type ExtractReply = { id: number; outcome: ExtractOutcome } | { id: number; error: { name: string; message: string } };

interface Slot {
  worker: Worker;
  busy: number;
  /** The worker failed or exited: its documents were rejected, no new ones go to it. */
  dead: boolean;
}

export class ExtractPool implements Extractor {
  private readonly slots: Slot[] = [];
  private readonly waiting = new Map<number, { resolve: (o: ExtractOutcome) => void; reject: (e: Error) => void; slot: Slot }>();
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
        if ('outcome' in reply) pending.resolve(reply.outcome);
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

  extract(doc: DocumentInput): Promise<ExtractOutcome> {
    const alive = this.slots.filter((s) => !s.dead);
    if (this.closed || alive.length === 0) return Promise.reject(new Error('the parser pool is closed'));
    const slot = alive.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ id, doc: { path: doc.path, text: doc.text, languageId: doc.languageId } } satisfies ExtractRequest);
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

/**
 * When to check a document: after the user has been idle for the debounce, at once when a whole
 * block arrives in one edit (an assistant's insertion), never twice at the same time, and never
 * publishing for a version that has moved on.
 *
 * At most `concurrency` checks run at once: the synchronous part of a check (parsing, local
 * resolution) is short, but hundreds started in the same tick would block requests for the sum.
 * Documents the user is editing go ahead of documents that were merely opened.
 */
import { CancellationTokenSource } from 'vscode-languageserver';

export type Priority = 'edit' | 'open';

export class ValidationScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, CancellationTokenSource>();
  private readonly queue: string[] = [];

  constructor(
    private readonly run: (uri: string, token: CancellationTokenSource['token']) => Promise<void>,
    /** Called when the last pending, queued or running check has finished. */
    private readonly onIdle: () => void = () => {},
    private readonly concurrency = 8,
  ) {}

  schedule(uri: string, delayMs: number, priority: Priority = 'edit'): void {
    this.cancel(uri);
    const timer = setTimeout(() => {
      this.timers.delete(uri);
      if (priority === 'edit') this.queue.unshift(uri);
      else this.queue.push(uri);
      this.pump();
    }, delayMs);
    this.timers.set(uri, timer);
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.queue.length > 0) {
      const uri = this.queue.shift()!;
      const source = new CancellationTokenSource();
      this.running.set(uri, source);
      this.run(uri, source.token).finally(() => {
        if (this.running.get(uri) === source) this.running.delete(uri);
        source.dispose();
        this.pump();
        if (!this.busy) this.onIdle();
      });
    }
  }

  /** Drops a pending or queued check and cancels a running one (superseded or closed). */
  cancel(uri: string): void {
    const timer = this.timers.get(uri);
    if (timer) clearTimeout(timer);
    this.timers.delete(uri);
    const queued = this.queue.indexOf(uri);
    if (queued >= 0) this.queue.splice(queued, 1);
    this.running.get(uri)?.cancel();
    this.running.delete(uri);
  }

  get busy(): boolean {
    return this.timers.size > 0 || this.running.size > 0 || this.queue.length > 0;
  }

  dispose(): void {
    for (const uri of [...this.timers.keys(), ...this.running.keys(), ...this.queue]) this.cancel(uri);
  }
}

/** An edit that inserts several complete lines at once is a paste or an assistant, not typing. */
export function isBlockInsertion(changes: readonly { text: string }[]): boolean {
  return changes.some((c) => c.text.length >= 20 && c.text.includes('\n', c.text.indexOf('\n') + 1));
}

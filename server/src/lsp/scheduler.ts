/**
 * When to check a document: after the user has been idle for the debounce, at once when a whole
 * block arrives in one edit (an assistant's insertion), never twice at the same time, and never
 * publishing for a version that has moved on.
 */
import { CancellationTokenSource } from 'vscode-languageserver';

export class ValidationScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, CancellationTokenSource>();

  constructor(
    private readonly run: (uri: string, token: CancellationTokenSource['token']) => Promise<void>,
    /** Called when the last pending or running check has finished. */
    private readonly onIdle: () => void = () => {},
  ) {}

  schedule(uri: string, delayMs: number): void {
    this.cancel(uri);
    const timer = setTimeout(() => {
      this.timers.delete(uri);
      const source = new CancellationTokenSource();
      this.running.set(uri, source);
      this.run(uri, source.token).finally(() => {
        if (this.running.get(uri) === source) this.running.delete(uri);
        source.dispose();
        if (!this.busy) this.onIdle();
      });
    }, delayMs);
    this.timers.set(uri, timer);
  }

  /** Drops a pending check and cancels a running one (superseded or closed). */
  cancel(uri: string): void {
    const timer = this.timers.get(uri);
    if (timer) clearTimeout(timer);
    this.timers.delete(uri);
    this.running.get(uri)?.cancel();
    this.running.delete(uri);
  }

  get busy(): boolean {
    return this.timers.size > 0 || this.running.size > 0;
  }

  dispose(): void {
    for (const uri of [...this.timers.keys(), ...this.running.keys()]) this.cancel(uri);
  }
}

/** An edit that inserts several complete lines at once is a paste or an assistant, not typing. */
export function isBlockInsertion(changes: readonly { text: string }[]): boolean {
  return changes.some((c) => c.text.length >= 20 && c.text.includes('\n', c.text.indexOf('\n') + 1));
}

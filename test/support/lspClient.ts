/**
 * Speaks JSON-RPC to `groundcheck-lsp --stdio` as an editor does. Used by the LSP integration
 * tests, the benchmark and the demo, so all three exercise the same server binary.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import { URI } from 'vscode-uri';
import { SERVER_NODE_ARGS, serverEnv, StatusNotification } from '../../shared/protocol';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-languageserver-protocol/node'; // (the jsonrpc the shared protocol's types come from)

/** The server under test: the tsc build by default, or another build (the bundle) via GROUNDCHECK_SERVER. */
export const SERVER_BIN = process.env.GROUNDCHECK_SERVER ?? path.resolve(__dirname, '..', '..', '..', 'bin', 'groundcheck-lsp.js');

/** The bundled server that ships in the .vsix (built by `npm run build`). */
export const BUNDLED_SERVER = path.resolve(__dirname, '..', '..', '..', 'dist', 'server.js');

export interface Diagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string;
  source?: string;
  message: string;
  codeDescription?: { href: string };
  data?: unknown;
}

export interface Published {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
  at: number;
  /** How many status notifications had arrived before this publication. */
  statusesBefore: number;
}

export interface Registration {
  id: string;
  method: string;
  registerOptions?: { watchers?: { globPattern: string }[] };
}

export interface StartOptions {
  rootDir: string;
  env?: NodeJS.ProcessEnv;
  settings?: Record<string, unknown>;
  initializationOptions?: Record<string, unknown>;
  /** Server entry point; SERVER_BIN by default. */
  serverBin?: string;
}

export class LspClient {
  /** Every client started in this process, for post-mortem logs. */
  static readonly started: LspClient[] = [];
  readonly published: Published[] = [];
  readonly logs: string[] = [];
  readonly statuses: unknown[] = [];
  /** What the server registered dynamically (configuration, file watchers). */
  readonly registrations: Registration[] = [];
  private readonly registrationWaiters: { method: string; resolve: (r: Registration) => void }[] = [];

  /** The server's dynamic registration of `method`, received or to come. */
  waitForRegistration(method: string, timeoutMs = 10_000): Promise<Registration> {
    const past = this.registrations.find((r) => r.method === method);
    if (past) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no registration of ${method} within ${timeoutMs} ms`)), timeoutMs);
      this.registrationWaiters.push({ method, resolve: (r) => (clearTimeout(timer), resolve(r)) });
    });
  }
  settings: Record<string, unknown>;
  private waiters: { test: (p: Published) => boolean; resolve: (p: Published) => void }[] = [];
  private statusWaiters: { test: (s: unknown) => boolean; resolve: (s: unknown) => void }[] = [];
  private exitCode: number | null = null;

  private constructor(readonly child: ChildProcess, readonly connection: MessageConnection, settings: Record<string, unknown>) {
    this.settings = settings;
  }

  static async start(o: StartOptions): Promise<LspClient> {
    const child = spawn(process.execPath, [...SERVER_NODE_ARGS, o.serverBin ?? SERVER_BIN, '--stdio'], { cwd: o.rootDir, env: serverEnv(o.env ?? process.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspClient(child, connection, o.settings ?? {});
    LspClient.started.push(client);
    child.on('exit', (code, signal) => (client.exitCode = code ?? (signal ? 128 : 0)));
    // A server that died must fail the test through its assertions, not crash the runner with EPIPE.
    child.stdin!.on('error', (e) => client.logs.push(`stdin: ${e.message}`));
    connection.onError(([e]) => client.logs.push(`connection: ${e.message}`));
    child.stderr!.on('data', (d: Buffer) => client.logs.push(d.toString()));
    connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
      params.items.map((item) => (item.section === 'groundcheck' ? client.settings : null)),
    );
    connection.onRequest('client/registerCapability', (params: { registrations: Registration[] }) => {
      client.registrations.push(...params.registrations);
      for (const r of params.registrations) client.registrationWaiters.filter((w) => w.method === r.method).forEach((w) => w.resolve(r));
      return null;
    });
    connection.onNotification('window/logMessage', (p: { message: string }) => client.logs.push(p.message));
    connection.onNotification(StatusNotification, (p: unknown) => {
      client.statuses.push(p);
      client.statusWaiters = client.statusWaiters.filter((w) => (w.test(p) ? (w.resolve(p), false) : true));
    });
    connection.onNotification('textDocument/publishDiagnostics', (p: Omit<Published, 'at'>) => {
      const entry = { ...p, at: performance.now(), statusesBefore: client.statuses.length };
      client.published.push(entry);
      client.waiters = client.waiters.filter((w) => (w.test(entry) ? (w.resolve(entry), false) : true));
    });
    connection.listen();
    const rootUri = pathToUri(o.rootDir);
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: path.basename(o.rootDir) }],
      capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, didChangeWatchedFiles: { dynamicRegistration: true } }, textDocument: { publishDiagnostics: { versionSupport: true } } },
      initializationOptions: o.initializationOptions ?? {},
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  open(file: string, text: string, languageId = 'typescript', version = 1): string {
    const uri = pathToUri(file);
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
    return uri;
  }

  change(uri: string, version: number, changes: { range?: Diagnostic['range']; text: string }[]): void {
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  close(uri: string): void {
    void this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Resolves with the first publication (already received or future) that passes `test`. */
  waitFor(test: (p: Published) => boolean, timeoutMs = 15_000, includePast = true): Promise<Published> {
    const past = includePast ? this.published.find(test) : undefined;
    if (past) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching publishDiagnostics within ${timeoutMs} ms; logs:\n${this.logs.join('\n')}`)), timeoutMs);
      this.waiters.push({ test, resolve: (p) => (clearTimeout(timer), resolve(p)) });
    });
  }

  /** Resolves with the first status notification (already received or future) that passes `test`. */
  waitForStatus<T>(test: (s: T) => boolean, timeoutMs = 15_000, includePast = true): Promise<T> {
    const past = includePast ? this.statuses.find((s) => test(s as T)) : undefined;
    if (past) return Promise.resolve(past as T);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching status within ${timeoutMs} ms`)), timeoutMs);
      this.statusWaiters.push({ test: (s) => test(s as T), resolve: (s) => (clearTimeout(timer), resolve(s as T)) });
    });
  }

  /**
   * The final publication for a version: the server may publish package verdicts first and API
   * verdicts after (see CheckOptions.onPartial); both are done when it next reports itself idle.
   */
  async settled(uri: string, version: number, timeoutMs = 30_000): Promise<Published> {
    const first = await this.waitForVersion(uri, version, timeoutMs);
    const idleAfter = (s: unknown) => (s as { state?: string }).state === 'idle' && this.statuses.indexOf(s) >= first.statusesBefore;
    await this.waitForStatus(idleAfter, timeoutMs);
    return [...this.published].reverse().find((p) => p.uri === uri && p.version === version)!;
  }

  waitForVersion(uri: string, version: number, timeoutMs?: number): Promise<Published> {
    return this.waitFor((p) => p.uri === uri && p.version === version, timeoutMs);
  }

  codeActions(uri: string, diagnostics: Diagnostic[]): Promise<{ title: string; edit?: { changes?: Record<string, { range: Diagnostic['range']; newText: string }[]>; documentChanges?: unknown[] }; command?: { command: string; arguments?: unknown[] }; isPreferred?: boolean }[]> {
    return this.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics } });
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.connection.sendRequest(method, params);
  }

  changeSettings(settings: Record<string, unknown>): void {
    this.settings = settings;
    void this.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  }

  get exited(): boolean {
    return this.exitCode !== null;
  }

  /** shutdown + exit as an editor does; the process is killed if it does not leave within 2 s. */
  async stop(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
      const bound = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
      try {
        await Promise.race([this.connection.sendRequest('shutdown'), bound(2000)]);
        await this.connection.sendNotification('exit');
      } catch {
        // the server may already be gone; it is killed below either way
      }
      await Promise.race([exited, bound(2000)]);
      if (!this.exited) this.child.kill();
    }
    this.connection.dispose();
  }
}

export function pathToUri(p: string): string {
  return URI.file(p).toString();
}

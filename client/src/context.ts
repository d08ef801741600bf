/**
 * The one object the client's modules share (after rust-analyzer's `Ctx`): the extension context,
 * the output channel, the status item and the running language client, with start/restart/stop.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { SERVER_NODE_ARGS, serverEnv, StatusNotification, type StatusParams } from '../../shared/protocol';
import { DOCUMENT_SELECTOR, withPythonEnvironment } from './settings';
import { statusView } from './status';
import { PythonEnvironments } from './pythonEnvironments';

export class GroundcheckContext {
  readonly log: vscode.LogOutputChannel;
  readonly status: vscode.StatusBarItem;
  private readonly python: PythonEnvironments;
  private languageClient: LanguageClient | undefined;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Groundcheck', { log: true });
    this.status = vscode.window.createStatusBarItem('groundcheck.status', vscode.StatusBarAlignment.Right, 100);
    this.status.name = 'Groundcheck';
    this.status.command = 'groundcheck.showOutput';
    this.python = new PythonEnvironments(this.log, () => void this.languageClient?.sendNotification('workspace/didChangeConfiguration', { settings: null }));
    extension.subscriptions.push(this.log, this.status);
  }

  get client(): LanguageClient | undefined {
    return this.languageClient;
  }

  async start(): Promise<void> {
    const serverModule = this.extension.asAbsolutePath(path.join('dist', 'server.js'));
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: SERVER_NODE_ARGS, env: serverEnv(process.env) } },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_ARGS, '--nolazy', '--inspect=6019'], env: serverEnv(process.env) } },
    };
    const trusted = vscode.workspace.isTrusted;
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      middleware: {
        workspace: {
          // Fill groundcheck.python.environment from the Python extension's selected interpreter.
          configuration: async (params, token, next) => {
            const result = (await next(params, token)) as unknown[];
            if (!Array.isArray(result)) return result;
            return Promise.all(result.map(async (value, i) => {
              const item = params.items[i];
              if (item?.section !== 'groundcheck') return value;
              return withPythonEnvironment(item.section, value, await this.python.selected(item.scopeUri));
            }));
          },
        },
      },
      // No file watchers here: the server registers its own (server/src/core/watchedFiles.ts).
      initializationOptions: { cacheDir: this.extension.globalStorageUri.fsPath, trusted },
      outputChannel: this.log,
      traceOutputChannel: this.log,
    };
    const client = new LanguageClient('groundcheck', 'Groundcheck', serverOptions, clientOptions);
    this.languageClient = client;
    client.onNotification(StatusNotification, (s) => this.showStatus(s, trusted));
    this.showStatus({ state: 'checking', findings: 0, unverified: 0, offline: false, degraded: false }, trusted);
    this.status.show();
    await client.start();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const client = this.languageClient;
    this.languageClient = undefined;
    await client?.stop();
  }

  private showStatus(s: StatusParams, trusted: boolean): void {
    const offline = vscode.workspace.getConfiguration('groundcheck').get<boolean>('offline') === true;
    const view = statusView(s, { trusted, offline });
    this.status.text = view.text;
    this.status.tooltip = view.tooltip;
    this.status.backgroundColor = view.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }
}

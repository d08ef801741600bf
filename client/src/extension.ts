/**
 * The VS Code client: starts the language server, shows its status, and runs the few commands
 * that touch the editor itself (settings, terminals). No analysis happens here.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { CLIENT_COMMANDS, SERVER_COMMANDS, SERVER_NODE_ARGS, STATUS_NOTIFICATION, type AllowPackageArgs, type InstallTerminalArgs, type StatusParams } from '../../server/src/lsp/protocol';

const LANGUAGES = ['javascript', 'javascriptreact', 'typescript', 'typescriptreact'];

import { TypeScriptExportFixes } from './typescriptFixes';

let client: LanguageClient | undefined;
let status: vscode.StatusBarItem;
let log: vscode.LogOutputChannel;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  log = vscode.window.createOutputChannel('Groundcheck', { log: true });
  status = vscode.window.createStatusBarItem('groundcheck.status', vscode.StatusBarAlignment.Right, 100);
  status.name = 'Groundcheck';
  status.command = 'groundcheck.showOutput';
  context.subscriptions.push(log, status);

  context.subscriptions.push(
    vscode.commands.registerCommand('groundcheck.recheck', () => client?.sendRequest('workspace/executeCommand', { command: SERVER_COMMANDS.recheck })),
    vscode.commands.registerCommand('groundcheck.clearCache', () => client?.sendRequest('workspace/executeCommand', { command: SERVER_COMMANDS.clearCache })),
    vscode.commands.registerCommand('groundcheck.showOutput', () => log.show()),
    vscode.commands.registerCommand(CLIENT_COMMANDS.allowPackage, allowPackage),
    vscode.commands.registerCommand(CLIENT_COMMANDS.openInstallTerminal, openInstallTerminal),
    vscode.languages.registerCodeActionsProvider(
      LANGUAGES.map((language) => ({ language })),
      new TypeScriptExportFixes(() => client),
      { providedCodeActionKinds: TypeScriptExportFixes.kinds },
    ),
    // Trust changes what the server may read (.npmrc of the workspace): restart it with the new mode.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restart(context)),
  );
  await start(context);
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: SERVER_NODE_ARGS } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_ARGS, '--nolazy', '--inspect=6019'] } },
  };
  const trusted = vscode.workspace.isTrusted;
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...LANGUAGES.flatMap((language) => [
        { scheme: 'file', language },
        { scheme: 'untitled', language },
      ]),
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
      { scheme: 'vscode-notebook-cell', language: 'python' }, // Jupyter notebook cells
      { scheme: 'file', pattern: '**/requirements*.{txt,in}' },
      { scheme: 'file', language: 'pip-requirements' },
      { scheme: 'file', pattern: '**/pyproject.toml' },
      { scheme: 'file', pattern: '**/setup.cfg' },
      { scheme: 'file', pattern: '**/package.json' }, // parse errors decide "unverified" over "undeclared"
    ],
    middleware: {
      workspace: {
        // Fill groundcheck.python.environment from the Python extension's selected interpreter.
        configuration: async (params, token, next) => {
          const result = (await next(params, token)) as unknown[];
          if (!Array.isArray(result)) return result;
          return Promise.all(
            result.map(async (value, i) => {
              const item = params.items[i];
              const settings = value as { python?: { environment?: string } } | null;
              if (item?.section !== 'groundcheck' || !settings || settings.python?.environment) return value;
              const environment = await selectedPythonEnvironment(item.scopeUri);
              return environment ? { ...settings, python: { ...settings.python, environment } } : value;
            }),
          );
        },
      },
    },
    // No file watchers here: the server registers its own (server/src/core/watchedFiles.ts).
    initializationOptions: { cacheDir: context.globalStorageUri.fsPath, trusted },
    outputChannel: log,
    traceOutputChannel: log,
  };
  client = new LanguageClient('groundcheck', 'Groundcheck', serverOptions, clientOptions);
  client.onNotification(STATUS_NOTIFICATION, (s: StatusParams) => showStatus(s, trusted));
  showStatus({ state: 'checking', findings: 0, unverified: 0, offline: false, degraded: false }, trusted);
  status.show();
  await client.start();
}

interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
}

let pythonApi: Promise<PythonExtensionApi | undefined> | undefined;

/** The interpreter picked in the Python extension for a resource, when that extension is installed. */
async function selectedPythonEnvironment(scopeUri: string | undefined): Promise<string | undefined> {
  pythonApi ??= (async () => {
    const ext = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
    if (!ext) return undefined;
    try {
      const api = ext.isActive ? ext.exports : await ext.activate();
      // A different interpreter means different installed packages: have the server re-read.
      api?.environments?.onDidChangeActiveEnvironmentPath?.(() => void client?.sendNotification('workspace/didChangeConfiguration', { settings: null }));
      return api;
    } catch (e) {
      log.warn(`could not read the Python extension's interpreter: ${(e as Error).message}`);
      return undefined;
    }
  })();
  const api = await pythonApi;
  return api?.environments?.getActiveEnvironmentPath(scopeUri ? vscode.Uri.parse(scopeUri) : undefined)?.path;
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await client?.stop();
  await start(context);
}

function showStatus(s: StatusParams, trusted: boolean): void {
  const offline = vscode.workspace.getConfiguration('groundcheck').get<boolean>('offline') === true;
  status.backgroundColor = undefined;
  if (s.configErrors) {
    // A broken groundcheck.json changes what is checked (and fails closed for private scopes): say so first.
    status.text = '$(error) Groundcheck: invalid groundcheck.json';
    status.tooltip = `${s.configErrors} problem(s) in groundcheck.json; see the Problems panel. Private scopes fail closed until it is fixed.`;
    status.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
  } else if (s.state === 'checking') {
    status.text = '$(sync~spin) Groundcheck';
    status.tooltip = 'Checking imports against the registry';
  } else if (offline) {
    status.text = `$(cloud-offline) Groundcheck: offline`;
    status.tooltip = `Offline: ${s.unverified} import(s) could not be verified`;
  } else if (s.degraded) {
    status.text = `$(warning) Groundcheck: ${s.unverified} unverified`;
    status.tooltip = 'The registry did not answer for some names; they are reported as unverified, never as missing.';
  } else {
    status.text = s.findings > 0 ? `$(error) Groundcheck: ${s.findings}` : '$(check) Groundcheck';
    status.tooltip = `${s.findings} finding(s) in open files${s.lastCheckMs !== undefined ? `; last check ${s.lastCheckMs} ms` : ''}`;
  }
  if (!trusted) status.tooltip += " (restricted mode: only the registry lines of the workspace's .npmrc are used, never its credentials)";
}

async function allowPackage(args: AllowPackageArgs): Promise<void> {
  const scope = args.uri ? vscode.Uri.parse(args.uri) : undefined;
  const config = vscode.workspace.getConfiguration('groundcheck', scope);
  const current = config.inspect<string[]>('allow')?.workspaceValue ?? [];
  if (current.includes(args.name)) return;
  const target = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update('allow', [...current, args.name], target);
  log.info(`allowed '${args.name}' in workspace settings`);
}

function openInstallTerminal(args: InstallTerminalArgs): void {
  const terminal = vscode.window.createTerminal({ name: 'Groundcheck: install', cwd: args.cwd });
  terminal.show();
  // Typed, not run: installing runs the package's scripts, which is the user's decision.
  terminal.sendText(args.command, false);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

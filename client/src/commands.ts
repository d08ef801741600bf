/**
 * The client's commands: the ones the server runs (forwarded), and the ones that touch the editor
 * itself (settings, terminals), which the server's quick fixes invoke.
 */
import * as vscode from 'vscode';
import { CLIENT_COMMANDS, SERVER_COMMANDS, type AllowPackageArgs, type InstallTerminalArgs } from '../../shared/protocol';
import type { GroundcheckContext } from './context';
import { allowListWith } from './settings';

export function registerCommands(ctx: GroundcheckContext): vscode.Disposable[] {
  const forward = (command: string) => () => ctx.client?.sendRequest('workspace/executeCommand', { command });
  return [
    vscode.commands.registerCommand('groundcheck.recheck', forward(SERVER_COMMANDS.recheck)),
    vscode.commands.registerCommand('groundcheck.clearCache', forward(SERVER_COMMANDS.clearCache)),
    vscode.commands.registerCommand('groundcheck.showOutput', () => ctx.log.show()),
    vscode.commands.registerCommand(CLIENT_COMMANDS.allowPackage, (args: AllowPackageArgs) => allowPackage(ctx, args)),
    vscode.commands.registerCommand(CLIENT_COMMANDS.openInstallTerminal, openInstallTerminal),
  ];
}

async function allowPackage(ctx: GroundcheckContext, args: AllowPackageArgs): Promise<void> {
  const scope = args.uri ? vscode.Uri.parse(args.uri) : undefined;
  const config = vscode.workspace.getConfiguration('groundcheck', scope);
  const next = allowListWith(config.inspect<string[]>('allow')?.workspaceValue, args.name);
  if (!next) return;
  const target = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update('allow', next, target);
  ctx.log.info(`allowed '${args.name}' in workspace settings`);
}

function openInstallTerminal(args: InstallTerminalArgs): void {
  const terminal = vscode.window.createTerminal({ name: 'Groundcheck: install', cwd: args.cwd });
  terminal.show();
  // Typed, not run: installing runs the package's scripts, which is the user's decision.
  terminal.sendText(args.command, false);
}

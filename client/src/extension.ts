/**
 * The VS Code client: starts the language server, shows its status, and runs the few commands
 * that touch the editor itself (settings, terminals). No analysis happens here. The modules:
 * context.ts (the shared context and the language client), status.ts, commands.ts, settings.ts,
 * pythonEnvironments.ts, typescriptFixes.ts.
 */
import * as vscode from 'vscode';
import { GroundcheckContext } from './context';
import { registerCommands } from './commands';
import { JS_LANGUAGES } from './settings';
import { TypeScriptExportFixes } from './typescriptFixes';

let ctx: GroundcheckContext | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const c = new GroundcheckContext(context);
  ctx = c;
  context.subscriptions.push(
    ...registerCommands(c),
    vscode.languages.registerCodeActionsProvider(
      JS_LANGUAGES.map((language) => ({ language })),
      new TypeScriptExportFixes(() => c.client),
      { providedCodeActionKinds: TypeScriptExportFixes.kinds },
    ),
    // Trust changes what the server may read (.npmrc of the workspace): restart it with the new mode.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void c.restart()),
  );
  await c.start();
}

export async function deactivate(): Promise<void> {
  await ctx?.stop();
}

/**
 * Quick fixes for groundcheck diagnostics. Each diagnostic carries the document version it was
 * computed for; a fix for an older version is dropped, since its ranges no longer hold.
 */
import * as path from 'path';
import { URI } from 'vscode-uri';
import { CodeAction, CodeActionKind, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as jsonc from 'jsonc-parser';
import type { FileSystem } from '../core/io';
import { CLIENT_COMMANDS, type AllowPackageArgs, type DiagnosticData, type InstallTerminalArgs } from './protocol';

export interface CodeActionContext {
  document: TextDocument;
  diagnostics: Diagnostic[];
  fs: FileSystem;
  /** Text of an open document, so edits to an open package.json use its unsaved state. */
  openDocument(uri: string): TextDocument | undefined;
}

const INSTALL: Record<string, (name: string, dev: boolean) => string> = {
  npm: (n, dev) => `npm install ${dev ? '--save-dev ' : ''}${n}`,
  yarn: (n, dev) => `yarn add ${dev ? '--dev ' : ''}${n}`,
  pnpm: (n, dev) => `pnpm add ${dev ? '--save-dev ' : ''}${n}`,
  bun: (n, dev) => `bun add ${dev ? '--dev ' : ''}${n}`,
};

export function installCommand(packageManager: string | undefined, name: string, dev: boolean): string {
  return (INSTALL[packageManager ?? 'npm'] ?? INSTALL.npm)(name, dev);
}

export function codeActionsFor(ctx: CodeActionContext): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of ctx.diagnostics) {
    if (diagnostic.source !== 'groundcheck') continue;
    const data = diagnostic.data as DiagnosticData | undefined;
    if (!data || data.version !== ctx.document.version) continue;
    if (diagnostic.code === 'missing-package') {
      data.suggestions.forEach((suggestion, i) => {
        const edit = replacePackageName(ctx.document, diagnostic, data.packageName, suggestion);
        if (edit) actions.push(fix(`Replace with '${suggestion}'`, diagnostic, { changes: { [ctx.document.uri]: [edit] } }, i === 0));
      });
    }
    if (diagnostic.code === 'undeclared-dependency' && data.manifestPath) {
      const edit = addDependencyEdit(ctx, data);
      if (edit) actions.push(fix(`Add '${data.packageName}' to ${data.dev ? 'devDependencies' : 'package.json'}`, diagnostic, edit, true));
      const args: InstallTerminalArgs = { cwd: path.dirname(data.manifestPath), command: installCommand(data.packageManager, data.packageName, !!data.dev) };
      const install = CodeAction.create(`Install '${data.packageName}' (${args.command})`, { title: 'Install', command: CLIENT_COMMANDS.openInstallTerminal, arguments: [args] }, CodeActionKind.QuickFix);
      install.diagnostics = [diagnostic];
      actions.push(install);
    }
    const allowArgs: AllowPackageArgs = { name: data.packageName, uri: ctx.document.uri };
    const allow = CodeAction.create(`Allow '${data.packageName}' in this workspace`, { title: 'Allow', command: CLIENT_COMMANDS.allowPackage, arguments: [allowArgs] }, CodeActionKind.QuickFix);
    allow.diagnostics = [diagnostic];
    actions.push(allow);
  }
  return actions;
}

function fix(title: string, diagnostic: Diagnostic, edit: WorkspaceEdit, preferred: boolean): CodeAction {
  const action = CodeAction.create(title, edit, CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  action.isPreferred = preferred;
  return action;
}

/** Replaces only the package part of the specifier, keeping a subpath (`lodahs/merge` -> `lodash/merge`). */
function replacePackageName(doc: TextDocument, diagnostic: Diagnostic, packageName: string, replacement: string): TextEdit | undefined {
  const text = doc.getText(diagnostic.range);
  const at = text.indexOf(packageName);
  if (at < 0) return undefined;
  const start = doc.offsetAt(diagnostic.range.start) + at;
  return { range: { start: doc.positionAt(start), end: doc.positionAt(start + packageName.length) }, newText: replacement };
}

function addDependencyEdit(ctx: CodeActionContext, data: DiagnosticData): WorkspaceEdit | undefined {
  const manifestUri = URI.file(data.manifestPath!).toString();
  const open = ctx.openDocument(manifestUri);
  const text = open?.getText() ?? ctx.fs.readFile(data.manifestPath!);
  if (text === undefined) return undefined;
  const field = data.dev ? 'devDependencies' : 'dependencies';
  const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  let edits: jsonc.Edit[];
  try {
    edits = jsonc.modify(text, [field, data.packageName], data.latest ? `^${data.latest}` : 'latest', {
      formattingOptions: { insertSpaces: !indent.includes('\t'), tabSize: indent.includes('\t') ? 1 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' },
      // keep the dependency list sorted, as npm writes it
      getInsertionIndex: (keys) => {
        const i = keys.findIndex((k) => k.localeCompare(data.packageName) > 0);
        return i < 0 ? keys.length : i;
      },
    });
  } catch {
    return undefined; // a package.json that cannot be edited safely gets no edit
  }
  const doc = open ?? TextDocument.create(manifestUri, 'json', 0, text);
  const textEdits: TextEdit[] = edits.map((e) => ({ range: { start: doc.positionAt(e.offset), end: doc.positionAt(e.offset + e.length) }, newText: e.content }));
  if (open) return { documentChanges: [{ textDocument: { uri: manifestUri, version: open.version }, edits: textEdits }] };
  return { changes: { [manifestUri]: textEdits } };
}

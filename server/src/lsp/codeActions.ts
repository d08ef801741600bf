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
import type { ProjectConfig } from '../core/config/projectConfig';
import { CLIENT_COMMANDS, type AllowPackageArgs, type DiagnosticData, type InstallTerminalArgs } from '../../../shared/protocol';

export interface CodeActionContext {
  document: TextDocument;
  diagnostics: Diagnostic[];
  fs: FileSystem;
  /** Text of an open document, so edits to an open package.json use its unsaved state. */
  openDocument(uri: string): TextDocument | undefined;
  /** The project's groundcheck configuration: the Allow fix writes there when it exists. */
  projectConfig?: ProjectConfig;
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
    // A squat gets the name it imitates and nothing that would install it.
    if (diagnostic.code === 'missing-package' || diagnostic.code === 'suspicious-package') {
      data.suggestions.forEach((suggestion, i) => {
        const edit = replacePackageName(ctx.document, diagnostic, data.packageName, suggestion);
        if (edit) actions.push(fix(`Replace with '${suggestion}'`, diagnostic, { changes: { [ctx.document.uri]: [edit] } }, i === 0));
      });
    }
    // A version no release satisfies: package.json gets the newest release's caret range (the
    // diagnostic sits on the range); a requirement gets `==<newest>` in place of its specifier.
    if (diagnostic.code === 'missing-version') {
      const range = data.ecosystem === 'pypi' ? specifierAfter(ctx.document, diagnostic.range) : diagnostic.range;
      if (range) {
        data.suggestions.forEach((suggestion, i) => {
          actions.push(fix(`Use '${suggestion}'`, diagnostic, { changes: { [ctx.document.uri]: [{ range, newText: suggestion }] } }, i === 0));
        });
      }
      continue;
    }
    if ((diagnostic.code === 'missing-export' || diagnostic.code === 'export-in-other-version') && data.exportName) {
      data.suggestions.forEach((suggestion, i) => {
        const edit: TextEdit = { range: diagnostic.range, newText: suggestion };
        actions.push(fix(`Replace with '${suggestion}'`, diagnostic, { changes: { [ctx.document.uri]: [edit] } }, i === 0));
      });
      continue; // allowing a package is not the fix for one made-up name in it
    }
    if (diagnostic.code === 'undeclared-dependency' && data.manifestPath) {
      const name = data.distribution ?? data.packageName;
      const edit = data.ecosystem === 'pypi' ? addPythonRequirementEdit(ctx, data) : addDependencyEdit(ctx, data);
      const target = data.ecosystem === 'pypi' ? path.basename(data.manifestPath) : data.dev ? 'devDependencies' : 'package.json';
      if (edit) actions.push(fix(`Add '${name}' to ${target}`, diagnostic, edit, true));
      const args: InstallTerminalArgs = { cwd: path.dirname(data.manifestPath), command: data.installCommand ?? installCommand(data.packageManager, data.distribution ?? data.packageName, !!data.dev) };
      const install = CodeAction.create(`Install '${name}' (${args.command})`, { title: 'Install', command: CLIENT_COMMANDS.openInstallTerminal, arguments: [args] }, CodeActionKind.QuickFix);
      install.diagnostics = [diagnostic];
      actions.push(install);
    }
    // (a finding about a whole file, such as manifest-unreadable, names no package to allow)
    if (data.packageName) actions.push(allowAction(ctx, diagnostic, data.packageName));
  }
  return actions;
}

/**
 * The version specifier of a requirement whose name is at `name`: from the first comparison
 * operator after the name (past extras) to a marker (`;`), a comment or the end of the value.
 */
function specifierAfter(doc: TextDocument, name: Diagnostic['range']): Diagnostic['range'] | undefined {
  const line = doc.getText({ start: { line: name.end.line, character: 0 }, end: { line: name.end.line + 1, character: 0 } }).replace(/\r?\n$/, '');
  const rest = line.slice(name.end.character);
  const m = /^(\s*(?:\[[^\]]*\])?\s*)((?:[=<>!~]=?=?\s*[^\s,;#"']+\s*,?\s*)+)/.exec(rest);
  if (!m) return undefined;
  const start = name.end.character + m[1].length;
  const end = start + m[2].replace(/[\s,]+$/, '').length;
  return { start: { line: name.end.line, character: start }, end: { line: name.end.line, character: end } };
}

/** Into the project's groundcheck.json (or package.json key) when there is one, else the editor's workspace settings. */
function allowAction(ctx: CodeActionContext, diagnostic: Diagnostic, name: string): CodeAction {
  const config = ctx.projectConfig;
  if (config) {
    const edit = jsonEdit(ctx, config.file, config.kind === 'file' ? [] : ['groundcheck'], (text, base) => {
      const root = jsonc.parseTree(text);
      const list = root && jsonc.findNodeAtLocation(root, [...base, 'allow']);
      return list?.type === 'array' ? { path: [...base, 'allow', -1], value: name, isArrayInsertion: true } : { path: [...base, 'allow'], value: [name] };
    });
    if (edit) return fix(`Allow '${name}' in ${path.basename(config.file)}`, diagnostic, edit, false);
  }
  const args: AllowPackageArgs = { name, uri: ctx.document.uri };
  const action = CodeAction.create(`Allow '${name}' in this workspace`, { title: 'Allow', command: CLIENT_COMMANDS.allowPackage, arguments: [args] }, CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  return action;
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
  const field = data.dev ? 'devDependencies' : 'dependencies';
  // (a type-only reference is satisfied by @types/<name>: `distribution` names it, with its version)
  const name = data.distribution ?? data.packageName;
  return jsonEdit(ctx, data.manifestPath!, [], () => ({
    path: [field, name],
    value: data.latest ? `^${data.latest}` : 'latest',
    // keep the dependency list sorted, as npm writes it
    getInsertionIndex: (keys: string[]) => {
      const i = keys.findIndex((k) => k.localeCompare(name) > 0);
      return i < 0 ? keys.length : i;
    },
  }));
}

/** A line in requirements.txt, or an entry in pyproject.toml's `[project] dependencies = [...]`. */
function addPythonRequirementEdit(ctx: CodeActionContext, data: DiagnosticData): WorkspaceEdit | undefined {
  const file = data.manifestPath!;
  const uri = URI.file(file).toString();
  const open = ctx.openDocument(uri);
  const text = open?.getText() ?? ctx.fs.readFile(file);
  if (text === undefined) return undefined;
  const requirement = `${data.distribution ?? data.packageName}${data.latest ? `>=${data.latest}` : ''}`;
  const doc = open ?? TextDocument.create(uri, 'plaintext', 0, text);
  let edit: TextEdit;
  if (data.manifestKind === 'pyproject') {
    // The array that opens on the `dependencies = [` line of [project] (the reader already parsed the file as TOML).
    const project = text.search(/^\[project\]\s*$/m);
    const deps = project < 0 ? -1 : text.slice(project).search(/^dependencies\s*=\s*\[/m);
    if (deps < 0) return undefined;
    const open_ = text.indexOf('[', project + deps + 'dependencies'.length);
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    edit = { range: { start: doc.positionAt(open_ + 1), end: doc.positionAt(open_ + 1) }, newText: `${eol}    "${requirement}",` };
  } else {
    const end = doc.positionAt(text.length);
    edit = { range: { start: end, end }, newText: `${text.length === 0 || text.endsWith('\n') ? '' : '\n'}${requirement}\n` };
  }
  if (open) return { documentChanges: [{ textDocument: { uri, version: open.version }, edits: [edit] }] };
  return { changes: { [uri]: [edit] } };
}

interface JsonChange {
  path: jsonc.JSONPath;
  value: unknown;
  isArrayInsertion?: boolean;
  getInsertionIndex?: (keys: string[]) => number;
}

/** An edit to a JSON file (open or on disk) that keeps its indentation and line endings. */
function jsonEdit(ctx: CodeActionContext, file: string, base: jsonc.JSONPath, change: (text: string, base: jsonc.JSONPath) => JsonChange): WorkspaceEdit | undefined {
  const uri = URI.file(file).toString();
  const open = ctx.openDocument(uri);
  const text = open?.getText() ?? ctx.fs.readFile(file);
  if (text === undefined || !jsonc.parseTree(text)) return undefined;
  const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  let edits: jsonc.Edit[];
  try {
    const c = change(text, base);
    edits = jsonc.modify(text, c.path, c.value, {
      isArrayInsertion: c.isArrayInsertion,
      getInsertionIndex: c.getInsertionIndex,
      formattingOptions: { insertSpaces: !indent.includes('\t'), tabSize: indent.includes('\t') ? 1 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' },
    });
  } catch {
    return undefined; // a file that cannot be edited safely gets no edit
  }
  const doc = open ?? TextDocument.create(uri, 'json', 0, text);
  const textEdits: TextEdit[] = edits.map((e) => ({ range: { start: doc.positionAt(e.offset), end: doc.positionAt(e.offset + e.length) }, newText: e.content }));
  if (open) return { documentChanges: [{ textDocument: { uri, version: open.version }, edits: textEdits }] };
  return { changes: { [uri]: textEdits } };
}

/**
 * Export tables from declaration files, through the TypeScript compiler API: the checker follows
 * re-exports, `export =` with namespace merges, and module augmentations the way the editor does.
 * The program has no default library (`noLib`): loading lib.d.ts would triple the cost, and export
 * names never come from it. Where a missing lib type makes a value's members unknowable (`any`),
 * the table says it is incomplete rather than guessing.
 */
import * as path from 'path';
import ts = require('typescript');
import { ancestors, type FileSystem } from '../io';
import type { ExportTable } from '../model';

const OPTIONS: ts.CompilerOptions = {
  noLib: true,
  types: [],
  noEmit: true,
  skipLibCheck: true,
  allowJs: false,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  target: ts.ScriptTarget.ESNext,
};

/** Signatures longer than this are cut: a hover shows the shape, not the whole overload set. */
const MAX_SIGNATURE = 240;
const MAX_SIGNATURES = 1500;

export type TableMeta = Pick<ExportTable, 'module' | 'version' | 'source' | 'format'>;

/** The declaration file a specifier resolves to from `fromFile` (bundled types or @types), if any. */
export function resolveDeclarations(specifier: string, fromFile: string, host: ts.ModuleResolutionHost = ts.sys): string | undefined {
  const resolved = ts.resolveModuleName(specifier, fromFile, OPTIONS, host).resolvedModule;
  if (!resolved || !isDeclarationFile(resolved.resolvedFileName)) return undefined;
  return resolved.resolvedFileName;
}

export const isDeclarationFile = (file: string) => /\.d\.[cm]?ts$|\.d\.[^./]+\.ts$/.test(file);

/** name and version of the package a file belongs to (its nearest package.json with a name). */
export function owningPackage(fs: FileSystem, file: string): { name: string; version: string; type?: string; dir: string } | undefined {
  for (const dir of ancestors(path.dirname(file))) {
    const text = fs.readFile(path.join(dir, 'package.json'));
    if (text === undefined) continue;
    try {
      const pj = JSON.parse(text) as { name?: unknown; version?: unknown; type?: unknown };
      if (typeof pj.name === 'string') return { name: pj.name, version: typeof pj.version === 'string' ? pj.version : '', type: typeof pj.type === 'string' ? pj.type : undefined, dir };
    } catch {
      return undefined; // a broken package.json: we do not know whose files these are
    }
    if (path.basename(dir) === 'node_modules') return undefined;
  }
  return undefined;
}

/** The run-time format a declaration entry describes. */
export function formatOf(entry: string, packageType: string | undefined): ExportTable['format'] {
  if (entry.endsWith('.d.mts')) return 'esm';
  if (entry.endsWith('.d.cts')) return 'cjs';
  return packageType === 'module' ? 'esm' : 'cjs';
}

function createProgram(rootFiles: string[], extra: ts.CompilerOptions = {}): ts.Program {
  return ts.createProgram({ rootNames: rootFiles, options: { ...OPTIONS, ...extra } });
}

/**
 * The export table of the module a declaration file defines. `found.unresolved` receives the
 * modules re-exported with `export *` that resolve nowhere (another package not beside it).
 */
export function readDeclarationTable(entry: string, meta: TableMeta, found?: { unresolved: string[] }): ExportTable | undefined {
  const program = createProgram([entry]);
  const sf = program.getSourceFile(entry);
  if (!sf) return undefined;
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(sf);
  // A declaration file with no imports or exports is a script (global declarations): not a module table.
  if (!moduleSymbol) return undefined;
  return tableOf(program, checker, moduleSymbol, meta, found);
}

/**
 * Tables for ambient modules (`declare module 'fs' { ... }`), as @types/node declares the Node
 * builtins: one program for all of them. The files are given, and nothing else is resolved: a
 * `/// <reference types="node" />` in a dependency must not pull in a second, older @types/node.
 */
export async function readAmbientTables(rootFiles: string[], modules: string[], meta: Omit<TableMeta, 'module'>, pause: () => Promise<void>): Promise<Map<string, ExportTable>> {
  const program = createProgram(rootFiles, { noResolve: true });
  const checker = program.getTypeChecker();
  const byName = new Map(checker.getAmbientModules().map((s) => [s.name.replace(/^"|"$/g, ''), s]));
  const tables = new Map<string, ExportTable>();
  for (const module of modules) {
    const symbol = byName.get(module);
    if (!symbol) continue;
    tables.set(module, tableOf(program, checker, symbol, { ...meta, module }));
    // (module by module, with the event loop free in between: all of them took 3 s in one go,
    // in which the editor answered nothing and a CLI run's registry replies went unread)
    await pause();
  }
  return tables;
}

function tableOf(program: ts.Program, checker: ts.TypeChecker, moduleSymbol: ts.Symbol, meta: TableMeta, found?: { unresolved: string[] }): ExportTable {
  const unresolved = unresolvedStarExports(program, checker);
  found?.unresolved.push(...unresolved);
  let complete = unresolved.length === 0;
  const symbols = checker.getExportsOfModule(moduleSymbol);
  const exportEqualsSymbol = moduleSymbol.exports?.get(ts.InternalSymbolName.ExportEquals);
  const exportEquals = !!exportEqualsSymbol;
  if (exportEqualsSymbol) {
    // `export = _` with `declare const _: LoDashStatic`: the members of the value are importable too.
    const target = exportEqualsSymbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exportEqualsSymbol) : exportEqualsSymbol;
    const declaration = target.valueDeclaration ?? target.declarations?.[0];
    if (declaration && target.flags & (ts.SymbolFlags.Variable | ts.SymbolFlags.Function | ts.SymbolFlags.Class)) {
      const type = checker.getTypeOfSymbolAtLocation(target, declaration);
      if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown) || checker.getIndexInfosOfType(type).length > 0) complete = false;
      else {
        symbols.push(...checker.getPropertiesOfType(type));
        // a global interface (JQueryStatic) is open to plugins: its members are not all listed here
        if (type.getSymbol()?.declarations?.some((d) => !ts.isExternalModule(d.getSourceFile()) || isInGlobalAugmentation(d))) complete = false;
      }
    } else if (!declaration) complete = false;
  }
  const names = [...new Set(symbols.map((s) => s.name as string))].filter((n) => n !== ts.InternalSymbolName.ExportEquals);
  const signatures: Record<string, string> = {};
  for (const symbol of symbols.slice(0, MAX_SIGNATURES)) {
    const signature = signatureOf(checker, symbol);
    if (signature) signatures[symbol.name] = signature;
  }
  const hasDefault = names.includes('default');
  const isValue = (s: ts.Symbol) => !!((s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s).flags & ts.SymbolFlags.Value);
  const typeOnlyNames = [...new Set(symbols.filter((s) => !isValue(s)).map((s) => s.name as string))].filter((n) => !symbols.some((s) => s.name === n && isValue(s)));
  return {
    ...meta,
    kind: 'types',
    names,
    typeOnlyNames,
    exportEquals,
    hasDefault,
    defaultMembers: hasDefault ? membersOf(checker, symbols.find((s) => s.name === 'default')!) : undefined,
    namedMembers: namedMembers(checker, symbols),
    signatures,
    complete,
  };
}

/** `export * from 'x'` where 'x' resolves nowhere: its names are unknown, so the table is incomplete. */
function unresolvedStarExports(program: ts.Program, checker: ts.TypeChecker): string[] {
  const out: string[] = [];
  for (const sf of program.getSourceFiles()) {
    for (const statement of sf.statements) {
      const inner = ts.isModuleDeclaration(statement) && statement.body && ts.isModuleBlock(statement.body) ? statement.body.statements : [statement];
      for (const s of inner) {
        if (ts.isExportDeclaration(s) && !s.exportClause && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier) && !checker.getSymbolAtLocation(s.moduleSpecifier)) out.push(s.moduleSpecifier.text);
      }
    }
  }
  return [...new Set(out)];
}

/**
 * The members an export's type lists in full, or undefined when they are open-ended or unknown:
 * a namespace (`export * as z`) gives its exports; a variable, function or class gives the
 * properties of its type (axios's `AxiosStatic`, a class's statics; what every function has is
 * allowed by the checker anyway). `any`, index signatures and primitives give undefined.
 */
function membersOf(checker: ts.TypeChecker, symbol: ts.Symbol): string[] | undefined {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const declaration = target.valueDeclaration;
  if (!declaration) {
    // a pure namespace: `export * as z from './external'`, `export namespace X {}` without a value
    return target.flags & (ts.SymbolFlags.ValueModule | ts.SymbolFlags.NamespaceModule) ? checker.getExportsOfModule(target).map((s) => s.name) : undefined;
  }
  if (ts.isSourceFile(declaration)) return checker.getExportsOfModule(target).map((s) => s.name);
  if (!(target.flags & (ts.SymbolFlags.Variable | ts.SymbolFlags.Function | ts.SymbolFlags.Class | ts.SymbolFlags.ValueModule))) return undefined;
  const type = checker.getTypeOfSymbolAtLocation(target, declaration);
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown) || !(type.flags & ts.TypeFlags.Object)) return undefined;
  if (checker.getIndexInfosOfType(type).length > 0) return undefined;
  // Only a shape the package itself declares: an array, a Map, a Promise (global types, not read
  // here: no lib) has members no table of ours lists (`htmlTags.map`, `suites.filter`).
  const shape = type.getSymbol();
  if (!shape?.declarations?.length || shape.declarations.some((d) => d.getSourceFile().hasNoDefaultLib || /[\\/]typescript[\\/]lib[\\/]/.test(d.getSourceFile().fileName))) return undefined;
  // A global interface (jQuery's JQueryStatic) is how plugins add members (`$.datetimepicker`,
  // `$.fn.x`) from files this table never sees: its members are open.
  if (shape.declarations.some((d) => !ts.isExternalModule(d.getSourceFile()) || isInGlobalAugmentation(d))) return undefined;
  return checker.getPropertiesOfType(type).map((p) => p.name);
}

function isInGlobalAugmentation(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) if (ts.isModuleDeclaration(n) && n.flags & ts.NodeFlags.GlobalAugmentation) return true;
  return false;
}

/** A table keeps members for at most this many exports, and this many members each (size of the cache). */
const MAX_MEMBER_TABLES = 400;
const MAX_MEMBERS = 2000;

/** Members of the named value exports whose types list them (see membersOf); functions with no properties are left out. */
function namedMembers(checker: ts.TypeChecker, symbols: ts.Symbol[]): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = {};
  let count = 0;
  for (const symbol of symbols) {
    if (symbol.name === 'default' || symbol.name === ts.InternalSymbolName.ExportEquals || count >= MAX_MEMBER_TABLES) continue;
    const members = membersOf(checker, symbol);
    if (!members || members.length === 0 || members.length > MAX_MEMBERS) continue;
    out[symbol.name] = members;
    count++;
  }
  return count > 0 ? out : undefined;
}

function signatureOf(checker: ts.TypeChecker, symbol: ts.Symbol): string | undefined {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const declaration = target.valueDeclaration ?? target.declarations?.[0];
  if (!declaration) return undefined;
  let text: string;
  if (target.flags & ts.SymbolFlags.Value) {
    text = checker.typeToString(checker.getTypeOfSymbolAtLocation(target, declaration), declaration);
    const kind = target.flags & ts.SymbolFlags.Function ? 'function' : target.flags & ts.SymbolFlags.Class ? 'class' : 'const';
    text = kind === 'class' ? `class ${symbol.name}` : `${kind} ${symbol.name}: ${text}`;
  } else if (target.flags & ts.SymbolFlags.Interface) {
    text = `interface ${symbol.name}`;
  } else if (target.flags & ts.SymbolFlags.TypeAlias) {
    text = `type ${symbol.name}`;
  } else if (target.flags & ts.SymbolFlags.Namespace) {
    text = `namespace ${symbol.name}`;
  } else {
    return undefined;
  }
  return text.length > MAX_SIGNATURE ? `${text.slice(0, MAX_SIGNATURE - 1)}…` : text;
}

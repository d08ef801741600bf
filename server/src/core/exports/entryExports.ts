/**
 * Export tables for packages with no types at all, read from their entry file: es-module-lexer
 * for ES modules (exact), cjs-module-lexer for CommonJS (the names Node itself would detect).
 * Nothing is executed.
 *
 * CommonJS exports can be computed at run time, which no lexer sees. So the entry is also parsed
 * (TypeScript's parser, in JS mode) to spot the shapes that make the list open-ended:
 * `module.exports = someValue`, `exports[key] = ...`, `Object.assign(exports, ...)`. Any of them
 * marks the table incomplete, and an incomplete table never produces a finding.
 */
import * as path from 'path';
import ts = require('typescript');
import type { ExportTable } from '../model';

/** Files of one package, relative to its root (`index.js`, `lib/a.js`). */
export interface PackageFiles {
  read(relative: string): string | undefined;
}

interface PackageJson {
  name?: string;
  version?: string;
  type?: string;
  main?: string;
  module?: string;
  exports?: unknown;
}

const CONDITIONS = ['node', 'require', 'import', 'module', 'default'];
const MAX_FILES = 50;
const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** The parts of the two lexers used here (es-module-lexer's types are ESM-only). */
interface EsmLexer {
  init(): Promise<void>;
  parse(source: string, name?: string): readonly [unknown, ReadonlyArray<{ type: 'direct' | 'reexport' | 'reexport-all'; name?: string; from?: string; typeOnly: boolean }>];
}
interface CjsLexer {
  init(): Promise<void>;
  parse(source: string, name?: string): { exports: string[]; reexports: string[] };
}
const esmLexer = () => require('es-module-lexer') as EsmLexer;
const cjsLexer = () => require('cjs-module-lexer') as CjsLexer;

let lexersReady: Promise<void> | undefined;
/** Both lexers are WebAssembly: instantiate once, on first use. */
export function initLexers(): Promise<void> {
  lexersReady ??= Promise.all([esmLexer().init(), cjsLexer().init()]).then(() => undefined);
  return lexersReady;
}

/** Follows an `exports` value through conditions to a file path, or undefined. */
function pickExport(value: unknown, depth = 0): string | undefined {
  if (depth > 8) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const v of value) {
      const hit = pickExport(v, depth + 1);
      if (hit) return hit;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const c of CONDITIONS) if (c in record) {
      const hit = pickExport(record[c], depth + 1);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** The entry file for a subpath ('' for the package itself), relative to the package root. */
export function entryFile(pj: PackageJson, subpath: string, files: PackageFiles): string | undefined {
  const key = subpath ? `.${subpath}` : '.';
  if (pj.exports !== undefined && pj.exports !== null) {
    const exp = pj.exports;
    const isSubpathMap = typeof exp === 'object' && !Array.isArray(exp) && Object.keys(exp as object).some((k) => k.startsWith('.'));
    const target = isSubpathMap ? (exp as Record<string, unknown>)[key] : key === '.' ? exp : undefined;
    const file = pickExport(target);
    return file ? probe(path.posix.normalize(file), files) : undefined;
  }
  const base = subpath ? subpath.slice(1) : (pj.main ?? 'index.js');
  return probe(path.posix.normalize(base), files);
}

function probe(rel: string, files: PackageFiles): string | undefined {
  rel = rel.replace(/^\.\//, '');
  for (const candidate of [rel, `${rel}.js`, `${rel}.cjs`, `${rel}.mjs`, `${rel}/index.js`]) {
    if (files.read(candidate) !== undefined) return candidate;
  }
  return undefined;
}

function formatOfFile(file: string, pj: PackageJson): ExportTable['format'] {
  if (file.endsWith('.mjs')) return 'esm';
  if (file.endsWith('.cjs')) return 'cjs';
  return pj.type === 'module' ? 'esm' : 'cjs';
}

export interface EntryTableInput {
  module: string;
  version: string;
  subpath: string;
  files: PackageFiles;
}

export async function readEntryTable(input: EntryTableInput): Promise<ExportTable | undefined> {
  let pj: PackageJson;
  try {
    pj = JSON.parse(input.files.read('package.json') ?? 'null') as PackageJson;
  } catch {
    return undefined;
  }
  if (!pj || typeof pj !== 'object') return undefined;
  const entry = entryFile(pj, input.subpath, input.files);
  if (!entry) return undefined;
  await initLexers();
  const format = formatOfFile(entry, pj);
  const names = new Set<string>();
  const state = { complete: true, files: 0, registersAtRunTime: false };
  collect(entry, pj, input.files, names, state, new Set());
  names.delete('__esModule');
  return {
    module: input.module,
    version: input.version,
    source: `read from its entry file ${entry}; it has no types`,
    kind: 'lexer',
    format,
    names: [...names],
    exportEquals: false,
    hasDefault: names.has('default'),
    // (members registered at run time are not in any list: a table that has them is open)
    complete: state.complete && !state.registersAtRunTime && names.size > 0,
    registersAtRunTime: state.registersAtRunTime || undefined,
  };
}

function collect(file: string, pj: PackageJson, files: PackageFiles, names: Set<string>, state: { complete: boolean; files: number; registersAtRunTime: boolean }, seen: Set<string>): void {
  if (seen.has(file)) return;
  seen.add(file);
  const source = files.read(file);
  if (source === undefined || source.length > MAX_FILE_BYTES || ++state.files > MAX_FILES) {
    state.complete = false;
    return;
  }
  const follow = (specifier: string) => {
    if (!specifier.startsWith('.')) {
      state.complete = false; // names from another package: not ours to read here
      return;
    }
    const target = probe(path.posix.join(path.posix.dirname(file), specifier), files);
    if (target) collect(target, pj, files, names, state, seen);
    else state.complete = false;
  };
  if (formatOfFile(file, pj) === 'esm') {
    let exports: ReturnType<EsmLexer['parse']>[1];
    try {
      exports = esmLexer().parse(source, file)[1];
    } catch {
      state.complete = false; // not parseable as a module (syntax this lexer does not know)
      return;
    }
    for (const e of exports) {
      if (e.type === 'reexport-all' && e.from) follow(e.from);
      else if (!e.typeOnly && e.name !== undefined) names.add(e.name);
    }
    return;
  }
  let lexed: { exports: string[]; reexports: string[] };
  try {
    lexed = cjsLexer().parse(source, file);
  } catch {
    state.complete = false;
    return;
  }
  for (const name of lexed.exports) names.add(name);
  const shape = commonJsShape(source, file);
  for (const name of shape.names) names.add(name);
  if (!shape.closed) state.complete = false;
  if (shape.registersAtRunTime) state.registersAtRunTime = true;
  for (const specifier of new Set([...lexed.reexports, ...shape.reexports])) follow(specifier);
}

/** What a CommonJS file's syntax says about its exports, and whether that list is closed. */
export function commonJsShape(source: string, file: string): { names: string[]; reexports: string[]; closed: boolean; registersAtRunTime: boolean } {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const names: string[] = [];
  const reexports: string[] = [];
  let closed = true;
  const isExportsObject = (n: ts.Node): boolean =>
    (ts.isIdentifier(n) && n.text === 'exports') ||
    (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'module' && n.name.text === 'exports');
  const requireOf = (n: ts.Node): string | undefined =>
    ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'require' && n.arguments.length === 1 && ts.isStringLiteralLike(n.arguments[0]) ? n.arguments[0].text : undefined;
  const literalKey = (n: ts.Expression) => (ts.isStringLiteralLike(n) ? n.text : undefined);
  // `module.exports = Enquirer` and, elsewhere, `Reflect.defineProperty(Enquirer, name, ...)` or
  // `Enquirer[name] = ...` with a computed name: members registered at run time (enquirer's prompt
  // classes), which neither a lexer nor the typings may list.
  let exportedIdentifier: string | undefined;
  const computedOn = new Set<string>();
  const noteComputedMember = (node: ts.Node) => {
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isElementAccessExpression(node.left) && ts.isIdentifier(node.left.expression) && literalKey(node.left.argumentExpression) === undefined) {
      computedOn.add(node.left.expression.text);
    } else if (ts.isCallExpression(node) && node.arguments.length >= 2 && ts.isIdentifier(node.arguments[0]) && literalKey(node.arguments[1]) === undefined && !ts.isObjectLiteralExpression(node.arguments[1])) {
      computedOn.add(node.arguments[0].text); // Reflect.defineProperty(X, name, ...), utils.defineExport(X, name, ...)
    }
  };

  // `module.exports = require('./forge'); require('./pki'); ...`: files required for their side
  // effect attach members to the shared export object (node-forge's pki, util).
  let sideEffectRequires = false;
  const visit = (node: ts.Node): void => {
    noteComputedMember(node);
    if (ts.isExpressionStatement(node) && requireOf(node.expression)?.startsWith('.')) sideEffectRequires = true;
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = node.left;
      if (isExportsObject(left)) {
        // module.exports = { a, b: 1 } is closed; module.exports = require('./x') re-exports; anything else is open.
        const value = ts.isParenthesizedExpression(node.right) ? node.right.expression : node.right;
        if (ts.isIdentifier(value)) exportedIdentifier = value.text;
        const required = requireOf(value);
        if (required) reexports.push(required);
        else if (ts.isObjectLiteralExpression(value)) {
          for (const p of value.properties) {
            if (ts.isSpreadAssignment(p)) {
              const spread = requireOf(p.expression);
              if (spread) reexports.push(spread);
              else closed = false;
            } else if (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) || ts.isNumericLiteral(p.name))) names.push(p.name.text);
            else closed = false;
          }
        } else closed = false;
      } else if ((ts.isPropertyAccessExpression(left) || ts.isElementAccessExpression(left)) && isExportsObject(left.expression)) {
        const key = ts.isPropertyAccessExpression(left) ? left.name.text : literalKey(left.argumentExpression);
        if (key !== undefined) names.push(key);
        else closed = false;
      }
    } else if (ts.isCallExpression(node) && node.arguments.some(isExportsObject)) {
      const callee = node.expression;
      const calleeName = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
      const first = node.arguments[0];
      if (calleeName === 'defineProperty' && first && isExportsObject(first) && node.arguments[1] && literalKey(node.arguments[1]) !== undefined) {
        names.push(literalKey(node.arguments[1])!);
      } else if (/^__export(Star)?$/.test(calleeName) && first && requireOf(first)) {
        reexports.push(requireOf(first)!); // TypeScript's and tslib's re-export helpers
      } else {
        closed = false; // Object.assign(exports, ...), a helper that fills exports in
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { names, reexports, closed, registersAtRunTime: (!!exportedIdentifier && computedOn.has(exportedIdentifier)) || sideEffectRequires };
}

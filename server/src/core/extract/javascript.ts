/**
 * Extracts module references from JavaScript and TypeScript with the TypeScript parser.
 * The parser recovers from broken code, so a half-written file still yields the
 * references that are complete; an unterminated string literal is never reported.
 */
// (a plain require: a namespace import would route every ts.X through a getter, ~0.5 s on a large repository)
import ts = require('typescript');
import type { ApiReference, Range, Reference, ReferenceKind } from '../model';
import { apiCollector } from './apiReferences';
import { javascriptSuppressions, type CommentText, type Suppression } from '../findings/suppressions';

const EXTENSION_KIND: Record<string, ts.ScriptKind> = {
  '.js': ts.ScriptKind.JS,
  '.mjs': ts.ScriptKind.JS,
  '.cjs': ts.ScriptKind.JS,
  '.jsx': ts.ScriptKind.JSX,
  '.ts': ts.ScriptKind.TS,
  '.mts': ts.ScriptKind.TS,
  '.cts': ts.ScriptKind.TS,
  '.tsx': ts.ScriptKind.TSX,
};

const LANGUAGE_KIND: Record<string, ts.ScriptKind> = {
  javascript: ts.ScriptKind.JS,
  javascriptreact: ts.ScriptKind.JSX,
  typescript: ts.ScriptKind.TS,
  typescriptreact: ts.ScriptKind.TSX,
};

export function scriptKindFor(fileName: string, languageId?: string): ts.ScriptKind {
  if (languageId && LANGUAGE_KIND[languageId] !== undefined) return LANGUAGE_KIND[languageId];
  const dot = fileName.lastIndexOf('.');
  return EXTENSION_KIND[dot >= 0 ? fileName.slice(dot).toLowerCase() : ''] ?? ts.ScriptKind.TS;
}

export interface Extraction {
  references: Reference[];
  /** Modules the document itself declares (`declare module 'x'`): never packages to look up. */
  declaredModules: string[];
  /** Names taken from those modules (named imports, members), checked against their exports. */
  apis: ApiReference[];
  /** TypeScript itself reports unknown exports in this document (a TS file, or JS with `// @ts-check`). */
  typeChecked: boolean;
  /** `// groundcheck-ignore-line` / `-next-line` directives. */
  suppressions: Suppression[];
}

/**
 * Every comment the parser attached to the tree, as trivia before or after some node (so a `//`
 * inside a string or a regular expression is never taken for one). Only called when the text
 * holds a directive at all.
 */
function commentsOf(sourceFile: ts.SourceFile): CommentText[] {
  const text = sourceFile.text;
  const seen = new Set<number>();
  const out: CommentText[] = [];
  const collect = (ranges: ts.CommentRange[] | undefined) => {
    for (const r of ranges ?? []) {
      if (seen.has(r.pos)) continue;
      seen.add(r.pos);
      const { line, character } = sourceFile.getLineAndCharacterOfPosition(r.pos);
      const lineStart = r.pos - character;
      out.push({ line, text: text.slice(r.pos, r.end), ownLine: text.slice(lineStart, r.pos).trim() === '' });
    }
  };
  const visit = (node: ts.Node): void => {
    collect(ts.getLeadingCommentRanges(text, node.pos));
    collect(ts.getTrailingCommentRanges(text, node.end));
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  collect(ts.getLeadingCommentRanges(text, sourceFile.endOfFileToken.pos));
  return out;
}

/**
 * Keeps the syntax trees of the few documents checked most recently, so that a keystroke reparses
 * only the region around the edit (TypeScript's incremental parser) instead of the whole file.
 */
export class IncrementalParser {
  private readonly trees = new Map<string, { tree: ts.SourceFile; kind: ts.ScriptKind }>();

  constructor(private readonly capacity = 4) {}

  parse(text: string, fileName: string, languageId?: string): ts.SourceFile {
    const kind = scriptKindFor(fileName, languageId);
    const previous = this.trees.get(fileName);
    let tree: ts.SourceFile;
    if (previous && previous.kind === kind) {
      const old = previous.tree;
      tree = old.text === text ? old : ts.updateSourceFile(old, text, changeRange(old.text, text));
    } else {
      tree = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, kind);
    }
    this.trees.delete(fileName); // re-insert: the Map's order is the recency order
    this.trees.set(fileName, { tree, kind });
    if (this.trees.size > this.capacity) this.trees.delete(this.trees.keys().next().value!);
    return tree;
  }

  forget(fileName: string): void {
    this.trees.delete(fileName);
  }
}

/** The span that differs between two texts, from their common prefix and suffix. */
export function changeRange(oldText: string, newText: string): ts.TextChangeRange {
  const max = Math.min(oldText.length, newText.length);
  let prefix = 0;
  while (prefix < max && oldText.charCodeAt(prefix) === newText.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && oldText.charCodeAt(oldText.length - 1 - suffix) === newText.charCodeAt(newText.length - 1 - suffix)) suffix++;
  return ts.createTextChangeRange(ts.createTextSpan(prefix, oldText.length - prefix - suffix), newText.length - prefix - suffix);
}

/**
 * Only the `declare module 'x'` names of a declaration file (ambient modules): the statements of
 * the file and of `declare global` blocks, without the reference and API walks of extractJavaScript.
 */
export function declaredModulesOf(text: string, fileName: string): string[] {
  const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (statements: ts.NodeArray<ts.Statement>) => {
    for (const node of statements) {
      if (!ts.isModuleDeclaration(node)) continue;
      if (ts.isStringLiteral(node.name)) out.push(node.name.text);
      else if (node.body && ts.isModuleBlock(node.body)) visit(node.body.statements); // declare global { declare module ... }
    }
  };
  visit(sourceFile.statements);
  return out;
}

export function extractJavaScript(text: string, fileName: string, languageId?: string, parser?: IncrementalParser): Extraction {
  const sourceFile = parser ? parser.parse(text, fileName, languageId) : ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, scriptKindFor(fileName, languageId));
  const references: Reference[] = [];
  const declaredModules: string[] = [];

  // The range covers the raw text between the quotes, so escapes keep their source width.
  const rangeOf = (literal: ts.StringLiteralLike): Range => ({
    start: sourceFile.getLineAndCharacterOfPosition(literal.getStart(sourceFile) + 1),
    end: sourceFile.getLineAndCharacterOfPosition(literal.end - 1),
  });

  const add = (node: ts.Expression | undefined, kind: ReferenceKind, typeOnly: boolean) => {
    if (!node || !ts.isStringLiteralLike(node)) return; // non-literal specifiers are not ours to judge
    if ((node as ts.LiteralLikeNode).isUnterminated) return; // still being typed
    const specifier = node.text;
    if (specifier.length === 0 || /\s/.test(specifier)) return;
    references.push({ kind, specifier, range: rangeOf(node), typeOnly });
  };

  const referenceAt = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node.moduleSpecifier, 'import', !!node.importClause?.isTypeOnly);
    } else if (ts.isExportDeclaration(node)) {
      if (node.moduleSpecifier) add(node.moduleSpecifier, 'export', node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node)) {
      if (ts.isExternalModuleReference(node.moduleReference)) {
        add(node.moduleReference.expression, 'import-equals', node.isTypeOnly);
      }
    } else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) {
      declaredModules.push(node.name.text);
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg)) add(arg.literal as ts.Expression, 'import-type', true);
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1) {
      const callee = node.expression;
      const first = node.arguments[0];
      if (callee.kind === ts.SyntaxKind.ImportKeyword) {
        add(first, 'dynamic-import', false);
      } else if (ts.isIdentifier(callee) && callee.text === 'require' && node.arguments.length === 1) {
        add(first, 'require', false);
      } else if (
        ts.isPropertyAccessExpression(callee) &&
        ts.isIdentifier(callee.expression) &&
        callee.expression.text === 'require' &&
        callee.name.text === 'resolve'
      ) {
        add(first, 'require-resolve', false);
      }
    }
  };
  // One walk for the references and the names taken from them (a walk of astro's trees costs a
  // quarter of parsing them). Identifiers, most of a tree's nodes, have nothing below them or to record.
  const apis = apiCollector(sourceFile);
  const parents: ts.Node[] = [];
  const inDoc = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.Identifier) return;
    referenceAt(node);
    ts.forEachChild(node, inDoc);
  };
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.Identifier) return;
    referenceAt(node);
    apis.visit(node, parents);
    parents.push(node);
    ts.forEachChild(node, visit);
    parents.pop();
    // JSDoc types in JavaScript (`@type {import('x').T}`): the parser keeps them beside the node
    const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc;
    if (docs) for (const doc of docs) ts.forEachChild(doc, inDoc);
  };
  visit(sourceFile);
  // `/// <reference types="x" />` names a types package (Node's own types are always there)
  for (const ref of sourceFile.typeReferenceDirectives) {
    if (ref.fileName === 'node' || !ref.fileName) continue;
    const at = sourceFile.text.indexOf(ref.fileName, ref.pos);
    if (at < 0) continue;
    references.push({ kind: 'reference-types', specifier: ref.fileName, range: { start: sourceFile.getLineAndCharacterOfPosition(at), end: sourceFile.getLineAndCharacterOfPosition(at + ref.fileName.length) }, typeOnly: true });
  }
  const kind = scriptKindFor(fileName, languageId);
  const isTs = kind === ts.ScriptKind.TS || kind === ts.ScriptKind.TSX;
  // `// @ts-check` / `// @ts-nocheck` in a JS file; the parser records the pragma on the tree.
  const directive = (sourceFile as ts.SourceFile & { checkJsDirective?: { enabled: boolean } }).checkJsDirective;
  const typeChecked = isTs ? directive?.enabled !== false : directive?.enabled === true;
  const suppressions = text.includes('groundcheck-ignore') ? javascriptSuppressions(commentsOf(sourceFile)) : [];
  return { references, declaredModules, apis: apis.result(), typeChecked, suppressions };
}

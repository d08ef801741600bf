/**
 * The names a document takes from the modules it imports: named imports and re-exports, default
 * imports, members of namespace imports and of `require()` bindings, and destructured `require()`.
 * One level only: `ns.member` is checked, `ns.member.deeper` is not.
 *
 * Without a binder we cannot tell which declaration an identifier refers to, so a binding whose
 * name is declared again anywhere in the file, or assigned to, is skipped: a missed member is
 * better than a member of the wrong object reported as made up.
 */
import ts = require('typescript');
import type { ApiReference, ApiUse, Range } from '../model';

interface Binding {
  specifier: string;
  use: Extract<ApiUse, 'namespace-member' | 'default-member' | 'require-member' | 'named-member'>;
  typeOnly: boolean;
  /** For a named import: the export it names (`z` of `import { z as zod }`). */
  of?: string;
}

/** `require('m')`, or undefined. */
function requiredSpecifier(node: ts.Node): string | undefined {
  while (ts.isParenthesizedExpression(node)) node = node.expression;
  if (!ts.isCallExpression(node) || node.arguments.length !== 1) return undefined;
  if (!ts.isIdentifier(node.expression) || node.expression.text !== 'require') return undefined;
  const arg = node.arguments[0];
  return ts.isStringLiteralLike(arg) && arg.text.length > 0 ? arg.text : undefined;
}

function nameText(node: ts.PropertyName | ts.ModuleExportName): string | undefined {
  if (ts.isIdentifier(node) || ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  return undefined; // computed or private names are not export names
}

/** The kinds `visit` records something of (declarations, imports, writes, `require(…).x`), as a table by kind. */
const COLLECTED_KINDS = (() => {
  const table = new Uint8Array(ts.SyntaxKind.Count);
  for (const kind of [
    ts.SyntaxKind.ImportDeclaration,
    ts.SyntaxKind.ExportDeclaration,
    ts.SyntaxKind.ImportEqualsDeclaration,
    ts.SyntaxKind.VariableDeclaration,
    ts.SyntaxKind.Parameter,
    ts.SyntaxKind.BindingElement,
    ts.SyntaxKind.FunctionDeclaration,
    ts.SyntaxKind.ClassDeclaration,
    ts.SyntaxKind.FunctionExpression,
    ts.SyntaxKind.ClassExpression,
    ts.SyntaxKind.EnumDeclaration,
    ts.SyntaxKind.ModuleDeclaration,
    ts.SyntaxKind.CatchClause,
    ts.SyntaxKind.BinaryExpression,
    ts.SyntaxKind.PrefixUnaryExpression,
    ts.SyntaxKind.PostfixUnaryExpression,
    ts.SyntaxKind.DeleteExpression,
    ts.SyntaxKind.PropertyAccessExpression,
  ]) table[kind] = 1;
  return table;
})();

const isAssignmentOperator = (kind: ts.SyntaxKind) => kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;

/**
 * Lines after a `// @ts-expect-error` or `// @ts-ignore` comment: the author already knows the name
 * is not in the types (an undocumented or version-dependent member). Found with TypeScript's scanner.
 */
function suppressedLines(sf: ts.SourceFile): Set<number> {
  const lines = new Set<number>();
  // (most files have neither: no need to scan them; a match in a string is sorted out by the scan)
  if (!sf.text.includes('@ts-expect-error') && !sf.text.includes('@ts-ignore')) return lines;
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, sf.languageVariant, sf.text);
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (token !== ts.SyntaxKind.SingleLineCommentTrivia && token !== ts.SyntaxKind.MultiLineCommentTrivia) continue;
    const text = scanner.getTokenText();
    if (text.includes('@ts-expect-error') || text.includes('@ts-ignore')) lines.add(sf.getLineAndCharacterOfPosition(scanner.getTokenEnd()).line + 1);
  }
  return lines;
}

/**
 * Feature detection: `mod.newApi?.()`, `mod.a || mod.b`, `if (mod.x)`, `typeof mod.x`. Code that
 * tests for a member before using it expects it to be missing in some versions.
 */
function isGuarded(node: ts.Node, parents: readonly ts.Node[]): boolean {
  if (ts.isPropertyAccessExpression(node) && node.questionDotToken) return true;
  const parent = parents[parents.length - 1];
  if (!parent) return false;
  if ((ts.isCallExpression(parent) || ts.isPropertyAccessExpression(parent)) && parent.questionDotToken && parent.expression === node) return true;
  if (ts.isTypeOfExpression(parent) || ts.isPrefixUnaryExpression(parent) || ts.isParenthesizedExpression(parent) && isGuarded(parent, parents.slice(0, -1))) return true;
  if (ts.isBinaryExpression(parent)) {
    const op = parent.operatorToken.kind;
    return op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.InKeyword;
  }
  return (ts.isIfStatement(parent) || ts.isConditionalExpression(parent) || ts.isWhileStatement(parent)) && (parent as { expression?: ts.Node; condition?: ts.Node }).expression === node || (ts.isConditionalExpression(parent) && parent.condition === node);
}

/**
 * What the one walk of a document's tree (extractJavaScript's) hands every node to, with its
 * ancestors, nearest last; `result` once the walk is done. A `ns.member` is noted as it is passed
 * and kept once the walk has seen every binding and declaration.
 */
export interface ApiCollector {
  visit(node: ts.Node, parents: readonly ts.Node[]): void;
  result(): ApiReference[];
}

/** The names of a document's imports it uses, from a walk of its own (see ApiCollector). */
export function extractApiReferences(sf: ts.SourceFile): ApiReference[] {
  const collector = apiCollector(sf);
  const parents: ts.Node[] = [];
  const walk = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.Identifier) return;
    collector.visit(node, parents);
    parents.push(node);
    ts.forEachChild(node, walk);
    parents.pop();
  };
  walk(sf);
  return collector.result();
}

export function apiCollector(sf: ts.SourceFile): ApiCollector {
  const refs: ApiReference[] = [];
  const bindings = new Map<string, Binding>();
  const declared = new Map<string, number>();
  const reassigned = new Set<string>();
  /** Nodes written to (`ns.x = 1`, `delete ns.x`): adding a member is not using one. */
  const written = new Set<ts.Node>();

  const rangeOf = (node: ts.Node): Range => ({
    start: sf.getLineAndCharacterOfPosition(node.getStart(sf)),
    end: sf.getLineAndCharacterOfPosition(node.end),
  });
  const add = (specifier: string, name: string, use: ApiUse, node: ts.Node, typeOnly: boolean, of?: string) => {
    refs.push({ specifier, name, use, range: rangeOf(node), typeOnly, ...(of !== undefined ? { of } : {}) });
  };
  const declare = (name: ts.BindingName | ts.Identifier | undefined) => {
    if (!name) return;
    if (ts.isIdentifier(name)) {
      declared.set(name.text, (declared.get(name.text) ?? 0) + 1);
      return;
    }
    for (const element of name.elements) if (!ts.isOmittedExpression(element)) declare(element.name);
  };

  /** `x.y` and `X.Y` (in types) whose `x` may turn out to be an import's binding. */
  const candidates: { node: ts.PropertyAccessExpression | ts.QualifiedName; guarded: boolean }[] = [];

  const visit = (node: ts.Node, parents: readonly ts.Node[]): void => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && ts.isIdentifier(node.name) && !written.has(node)) {
      // (`written` already holds it if it is written: the assignment is passed before its left side)
      candidates.push({ node, guarded: isGuarded(node, parents) });
    } else if (ts.isQualifiedName(node) && ts.isIdentifier(node.left)) {
      candidates.push({ node, guarded: false });
    }
    // the chain below is asked only of the kinds it names: a tenth of the time of asking every node
    if (COLLECTED_KINDS[node.kind] === 0) {
      // (nothing to record here)
    } else if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.importClause) {
      const specifier = node.moduleSpecifier.text;
      const clause = node.importClause;
      const clauseTypeOnly = clause.isTypeOnly;
      if (clause.name) {
        declare(clause.name);
        add(specifier, 'default', 'default', clause.name, clauseTypeOnly);
        bindings.set(clause.name.text, { specifier, use: 'default-member', typeOnly: clauseTypeOnly });
      }
      const named = clause.namedBindings;
      if (named && ts.isNamespaceImport(named)) {
        declare(named.name);
        bindings.set(named.name.text, { specifier, use: 'namespace-member', typeOnly: clauseTypeOnly });
      } else if (named) {
        for (const element of named.elements) {
          declare(element.name);
          const imported = element.propertyName ?? element.name;
          const name = nameText(imported);
          if (name !== undefined) add(specifier, name, 'named', imported, clauseTypeOnly || element.isTypeOnly);
          // its members are checked one level deep too (`import { z } from 'zod'; z.email()`)
          if (name !== undefined && name !== 'default') bindings.set(element.name.text, { specifier, use: 'named-member', typeOnly: clauseTypeOnly || element.isTypeOnly, of: name });
        }
      }
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      if (clause && ts.isNamedExports(clause)) {
        for (const element of clause.elements) {
          const exported = element.propertyName ?? element.name;
          const name = nameText(exported);
          if (name !== undefined) add(node.moduleSpecifier.text, name, 'reexport', exported, node.isTypeOnly || element.isTypeOnly);
        }
      }
    } else if (ts.isImportEqualsDeclaration(node)) {
      declare(node.name);
      if (ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
        bindings.set(node.name.text, { specifier: node.moduleReference.expression.text, use: 'namespace-member', typeOnly: node.isTypeOnly });
      }
    } else if (ts.isVariableDeclaration(node)) {
      declare(node.name);
      const specifier = node.initializer && requiredSpecifier(node.initializer);
      if (specifier !== undefined) {
        if (ts.isIdentifier(node.name)) {
          bindings.set(node.name.text, { specifier, use: 'require-member', typeOnly: false });
        } else if (ts.isObjectBindingPattern(node.name)) {
          for (const element of node.name.elements) {
            if (element.dotDotDotToken) continue;
            const property = element.propertyName ?? element.name;
            const name = ts.isIdentifier(property) || ts.isStringLiteral(property) ? property.text : undefined;
            if (name !== undefined) add(specifier, name, 'require-destructure', property, false);
          }
        }
      }
    } else if (ts.isParameter(node)) {
      declare(node.name);
    } else if (ts.isBindingElement(node)) {
      // counted through the pattern's owner (declare walks nested patterns)
    } else if ((ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isFunctionExpression(node) || ts.isClassExpression(node)) && node.name) {
      declare(node.name);
    } else if ((ts.isEnumDeclaration(node) || ts.isModuleDeclaration(node)) && ts.isIdentifier(node.name)) {
      declare(node.name);
    } else if (ts.isCatchClause(node) && node.variableDeclaration) {
      // the declaration itself is visited as a VariableDeclaration below
    } else if (ts.isBinaryExpression(node) && isAssignmentOperator(node.operatorToken.kind)) {
      if (ts.isIdentifier(node.left)) reassigned.add(node.left.text);
      written.add(node.left);
    } else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && ts.isIdentifier(node.operand)) {
      reassigned.add(node.operand.text);
    } else if (ts.isDeleteExpression(node)) {
      written.add(node.expression);
    } else if (ts.isPropertyAccessExpression(node) && !written.has(node) && ts.isIdentifier(node.name)) {
      // require('m').member
      const specifier = requiredSpecifier(node.expression);
      if (specifier !== undefined && !isGuarded(node, parents)) add(specifier, node.name.text, 'require-member', node.name, false);
    }
  };

  const result = (): ApiReference[] => {
    const usable = (name: string) => (declared.get(name) ?? 0) <= 1 && !reassigned.has(name);
    for (const { node, guarded } of bindings.size > 0 ? candidates : []) {
      if (ts.isPropertyAccessExpression(node)) {
        const name = (node.expression as ts.Identifier).text;
        const binding = bindings.get(name);
        if (binding && usable(name) && !guarded) add(binding.specifier, (node.name as ts.Identifier).text, binding.use, node.name, binding.typeOnly, binding.of);
      } else {
        // ns.SomeType in a type position
        const name = (node.left as ts.Identifier).text;
        const binding = bindings.get(name);
        if (binding && binding.use === 'namespace-member' && usable(name)) add(binding.specifier, node.right.text, binding.use, node.right, true);
      }
    }
    if (refs.length === 0) return refs;
    const suppressed = suppressedLines(sf);
    // Underscored names are internals by convention (Module._resolveFilename): real, undocumented, not made up.
    return refs.filter((r) => !suppressed.has(r.range.start.line) && !r.name.startsWith('_'));
  };
  return { visit, result };
}

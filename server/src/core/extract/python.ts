/**
 * Python imports with tree-sitter (web-tree-sitter and the grammar's wasm: no native build).
 * Covers `import a.b`, `from a.b import c`, imports nested in functions, `importlib.import_module`
 * and `__import__` with a literal, and notes imports guarded by `try/except ImportError`.
 */
import type { Node as SyntaxNode, Parser as TSParser } from 'web-tree-sitter';
import { treeSitterParser } from './treeSitter';
import type { Range } from '../model';
import { pythonSuppressions, type CommentText, type Suppression } from '../findings/suppressions';

export interface PythonImport {
  /** The dotted module as written (`numpy.linalg`), without leading dots. */
  module: string;
  /** `from . import x`, `from ..pkg import y`. */
  relative: boolean;
  /** Range of the module name in the document. */
  range: Range;
  /**
   * The code expects it may be missing: inside a `try` (body or handlers) that catches ImportError,
   * ModuleNotFoundError or Exception, or under `if TYPE_CHECKING` / a `sys.version_info`,
   * `sys.platform`, `os.name` or `platform.system()` test.
   */
  guarded: boolean;
  /**
   * Inside a function, of a module whose name the same file spells out as a string: a test that
   * writes `config_module_app.py` (or purges "namespace.package2") and then imports it.
   */
  madeAtRunTime?: boolean;
  kind: 'import' | 'from' | 'import_module' | '__import__';
}

/** Loads the parser once per process (the wasm runtime and grammar take ~50 ms). */
export function pythonParser(): Promise<TSParser> {
  return treeSitterParser('tree-sitter-python.wasm', () => require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
}

const DOTTED_NAME = /^[\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)*$/u;

const IMPORT_ERRORS = new Set(['ImportError', 'ModuleNotFoundError', 'Exception', 'BaseException']);

/** web-tree-sitter parses the UTF-16 JavaScript string, so its columns are UTF-16 units, as LSP's are. */
function rangeOf(node: SyntaxNode): Range {
  return { start: { line: node.startPosition.row, character: node.startPosition.column }, end: { line: node.endPosition.row, character: node.endPosition.column } };
}

/** A condition that picks a Python version, a platform or type checking: what is imported under it may be absent here. */
const ENVIRONMENT_TEST = /\b(?:TYPE_CHECKING|sys\.version_info|sys\.version|sys\.platform|os\.name|platform\.system|platform\.python_implementation|sys\.implementation|PY2|PY3|IS_WINDOWS|WIN32)\b/;

function catchesImportErrors(tryStatement: SyntaxNode): boolean {
  for (const clause of tryStatement.namedChildren) {
    if (clause?.type !== 'except_clause') continue;
    const caught = clause.namedChildren.filter((c): c is SyntaxNode => !!c && c.type !== 'block');
    if (caught.length === 0) return true; // a bare `except:`
    const names = caught.flatMap((c) => (c.type === 'identifier' ? [c.text] : c.descendantsOfType('identifier').map((i) => i?.text ?? '')));
    if (names.some((name) => IMPORT_ERRORS.has(name))) return true;
  }
  return false;
}

function isGuarded(node: SyntaxNode): boolean {
  for (let n: SyntaxNode | null = node.parent; n; n = n.parent) {
    // The fallback in the handler is as optional as the attempt in the body (`except ImportError: import json`).
    if (n.type === 'try_statement' && catchesImportErrors(n)) return true;
    if ((n.type === 'if_statement' || n.type === 'elif_clause') && ENVIRONMENT_TEST.test(n.childForFieldName('condition')?.text ?? '')) return true;
    if (n.type === 'else_clause' && n.parent?.type === 'if_statement' && ENVIRONMENT_TEST.test(n.parent.childForFieldName('condition')?.text ?? '')) return true;
  }
  return false;
}

function insideFunction(node: SyntaxNode): boolean {
  for (let n: SyntaxNode | null = node.parent; n; n = n.parent) if (n.type === 'function_definition') return true;
  return false;
}

function stringLiteral(node: SyntaxNode | null | undefined): SyntaxNode | undefined {
  if (!node || node.type !== 'string') return undefined;
  // Only plain literals: an f-string or a concatenation is not a module name we can judge.
  const parts = node.namedChildren.filter((c) => c?.type !== 'string_start' && c?.type !== 'string_end');
  return parts.length === 1 && parts[0]?.type === 'string_content' ? parts[0] : undefined;
}

export async function extractPython(text: string, options: { testFile?: boolean } = {}): Promise<PythonImport[]> {
  return (await extractPythonDocument(text, options)).imports;
}

/** Imports and the suppression comments (`# groundcheck: ignore[...]`) of a Python file. */
export async function extractPythonDocument(text: string, options: { testFile?: boolean } = {}): Promise<{ imports: PythonImport[]; suppressions: Suppression[] }> {
  const parser = await pythonParser();
  const tree = parser.parse(text);
  if (!tree) return { imports: [], suppressions: [] };
  const out: PythonImport[] = [];
  const comments: CommentText[] = [];
  // Comments are only read when a directive could be among them.
  const wantComments = text.includes('groundcheck:');
  const lines = wantComments ? text.split('\n') : [];
  const add = (nameNode: SyntaxNode, kind: PythonImport['kind'], module: string, relative = false) => {
    // Error recovery can join a half-typed `import a.` with the next line: only well-formed dotted names count.
    if (nameNode.hasError || !DOTTED_NAME.test(module)) return;
    out.push({ module, relative, range: rangeOf(nameNode), guarded: isGuarded(nameNode), kind });
  };
  const strings = new Set<string>();
  const inFunction = new Set<PythonImport>();
  try {
    // An explicit stack, not recursion: nesting in the input must not be able to overflow ours.
    const stack: SyntaxNode[] = [tree.rootNode];
    while (stack.length > 0) {
      const node = stack.pop()!;
      const before = out.length;
      let descend = true;
      if (wantComments) {
        // comments are `extra` children anywhere, also inside the import statements not descended into
        for (const c of node.children) {
          if (c?.type !== 'comment') continue;
          const { row, column } = c.startPosition;
          comments.push({ line: row, text: c.text, ownLine: (lines[row] ?? '').slice(0, column).trim() === '' });
        }
      }
      switch (node.type) {
        case 'string_content':
          strings.add(node.text);
          break;
        case 'import_statement':
          for (const child of node.childrenForFieldName('name')) {
            const dotted = child?.type === 'aliased_import' ? child.childForFieldName('name') : child;
            if (dotted?.type === 'dotted_name') add(dotted, 'import', dotted.text);
          }
          descend = false;
          break;
        case 'import_from_statement': {
          const mod = node.childForFieldName('module_name');
          if (mod?.type === 'dotted_name' && mod.text !== '__future__') add(mod, 'from', mod.text);
          else if (mod?.type === 'relative_import') {
            const inner = mod.namedChildren.find((c) => c?.type === 'dotted_name');
            if (inner) add(inner, 'from', inner.text, true);
          }
          descend = false;
          break;
        }
        case 'call': {
          const fn = node.childForFieldName('function');
          const callee = fn?.text ?? '';
          const args = node.childForFieldName('arguments');
          const literal = stringLiteral(args?.namedChildren[0]);
          if (literal && (callee === 'importlib.import_module' || callee === 'import_module')) {
            // a relative name needs its `package=` argument; leading dots mark it
            add(literal, 'import_module', literal.text.replace(/^\.+/, ''), literal.text.startsWith('.'));
          } else if (literal && callee === '__import__') add(literal, '__import__', literal.text);
          break;
        }
      }
      if (out.length > before && (node.type === 'import_statement' || node.type === 'import_from_statement') && insideFunction(node)) {
        for (const imp of out.slice(before)) inFunction.add(imp);
      }
      if (descend) for (let i = node.namedChildCount - 1; i >= 0; i--) stack.push(node.namedChild(i)!);
    }
  } finally {
    tree.delete(); // wasm memory is not garbage-collected
  }
  for (const imp of inFunction) {
    const top = imp.module.split('.')[0];
    // The file writes `top.py`, or names the dotted module it imports (purges "namespace.package2");
    // a bare name in a string is only telling in a test, where fixtures write modules to import.
    if (strings.has(`${top}.py`) || (imp.module.includes('.') && strings.has(imp.module)) || (options.testFile && strings.has(top))) imp.madeAtRunTime = true;
  }
  return { imports: out, suppressions: pythonSuppressions(comments) };
}

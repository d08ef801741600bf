/**
 * Dependency declarations that live in code or in Conda's file rather than in a requirements format:
 * literal `install_requires`/`extras_require`/`setup_requires`/`tests_require` and `name` in
 * setup.py, literal `session.install(...)` arguments in noxfile.py (both read with tree-sitter,
 * nothing run), and environment.yml's dependencies (Conda names and the `pip:` section).
 * Only names are read: these say "the project uses X", which is what the import check needs.
 */
import type { Node as SyntaxNode, Parser as TSParser } from 'web-tree-sitter';
import { parse as parseYaml } from 'yaml';
import { normalizePythonName, parsePep508 } from './requirements';

/** The string a literal stands for, when it is one plain literal (no f-string, no concatenation). */
function literalString(node: SyntaxNode | null): string | undefined {
  if (!node || node.type !== 'string') return undefined;
  if (node.children.some((c) => c.type === 'interpolation')) return undefined;
  const content = node.children.filter((c) => c.type === 'string_content').map((c) => c.text).join('');
  return content;
}

/** Strings of a literal list, tuple or set; a name bound at module level to one is followed. */
function literalStrings(node: SyntaxNode | null, assigned: Map<string, SyntaxNode>, depth = 0): string[] {
  if (!node || depth > 3) return [];
  if (node.type === 'identifier') return literalStrings(assigned.get(node.text) ?? null, assigned, depth + 1);
  if (node.type === 'string') {
    const s = literalString(node);
    return s === undefined ? [] : [s];
  }
  if (node.type === 'list' || node.type === 'tuple' || node.type === 'set' || node.type === 'parenthesized_expression') {
    return node.namedChildren.flatMap((c) => (c ? literalStrings(c, assigned, depth + 1) : []));
  }
  if (node.type === 'binary_operator') {
    // REQUIRES + ["extra"]
    return [node.childForFieldName('left'), node.childForFieldName('right')].flatMap((c) => literalStrings(c, assigned, depth + 1));
  }
  if (node.type === 'dictionary') {
    // extras_require={"dev": [...], "docs": [...]}
    return node.namedChildren.flatMap((pair) => (pair?.type === 'pair' ? literalStrings(pair.childForFieldName('value'), assigned, depth + 1) : []));
  }
  return [];
}

/** Module-level `NAME = <expression>` bindings. */
function moduleAssignments(root: SyntaxNode): Map<string, SyntaxNode> {
  const out = new Map<string, SyntaxNode>();
  for (const stmt of root.namedChildren) {
    const expr = stmt?.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
    if (expr?.type !== 'assignment') continue;
    const left = expr.childForFieldName('left');
    const right = expr.childForFieldName('right');
    if (left?.type === 'identifier' && right) out.set(left.text, right);
  }
  return out;
}

function* calls(node: SyntaxNode): Generator<SyntaxNode> {
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'call') yield n;
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i);
      if (c) stack.push(c);
    }
  }
}

function namesOf(specs: string[]): string[] {
  const out: string[] = [];
  for (const spec of specs) {
    const s = spec.trim();
    if (!s || s.startsWith('-') || s.startsWith('.') || s.startsWith('/')) continue;
    const parsed = parsePep508(s);
    if (parsed && !parsed.url) out.push(normalizePythonName(parsed.name));
  }
  return out;
}

const SETUP_KEYWORDS = new Set(['install_requires', 'extras_require', 'setup_requires', 'tests_require']);

/** What a setup.py's `setup(...)` call declares, from literals only; its `name` too. */
export function parseSetupPy(parser: TSParser, text: string): { names: string[]; projectName?: string } {
  const tree = parser.parse(text);
  if (!tree) return { names: [] };
  try {
    const assigned = moduleAssignments(tree.rootNode);
    const names: string[] = [];
    let projectName: string | undefined;
    for (const call of calls(tree.rootNode)) {
      const fn = call.childForFieldName('function');
      if (!fn || !/^(?:\w+\.)?setup$/.test(fn.text)) continue;
      for (const arg of call.childForFieldName('arguments')?.namedChildren ?? []) {
        if (arg?.type !== 'keyword_argument') continue;
        const key = arg.childForFieldName('name')?.text ?? '';
        const value = arg.childForFieldName('value');
        if (SETUP_KEYWORDS.has(key)) names.push(...namesOf(literalStrings(value, assigned)));
        if (key === 'name') projectName = literalStrings(value, assigned)[0];
      }
    }
    return { names, projectName };
  } finally {
    tree.delete();
  }
}

/** What a noxfile installs: literal arguments of `<session>.install(...)` (options and paths skipped). */
export function parseNoxfile(parser: TSParser, text: string): string[] {
  const tree = parser.parse(text);
  if (!tree) return [];
  try {
    const assigned = moduleAssignments(tree.rootNode);
    const names: string[] = [];
    for (const call of calls(tree.rootNode)) {
      const fn = call.childForFieldName('function');
      if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'install') continue;
      for (const arg of call.childForFieldName('arguments')?.namedChildren ?? []) {
        if (!arg || arg.type === 'keyword_argument') continue;
        // session.install(*DEPS) unpacks a literal list
        const target = arg.type === 'list_splat' ? arg.namedChildren[0] : arg;
        names.push(...namesOf(literalStrings(target ?? null, assigned)));
      }
    }
    return names;
  } finally {
    tree.delete();
  }
}

/**
 * environment.yml: Conda dependencies (`numpy=1.26`, `conda-forge::pandas`) and the `pip:` list.
 * Conda names are mostly PyPI's; a mismatch only means an import is not credited to it.
 */
export function parseEnvironmentYml(text: string): string[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return [];
  }
  const deps = (doc as { dependencies?: unknown } | null)?.dependencies;
  if (!Array.isArray(deps)) return [];
  const names: string[] = [];
  for (const d of deps) {
    if (typeof d === 'string') {
      const name = /^(?:[\w.-]+::)?([A-Za-z0-9][\w.-]*)/.exec(d.trim())?.[1];
      if (name && name !== 'python' && name !== 'pip') names.push(normalizePythonName(name));
    } else if (d && typeof d === 'object' && Array.isArray((d as { pip?: unknown }).pip)) {
      names.push(...namesOf((d as { pip: unknown[] }).pip.filter((x): x is string => typeof x === 'string')));
    }
  }
  return names;
}

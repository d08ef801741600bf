/**
 * Install commands in shell text, read with tree-sitter-bash: each `command` node's words, quotes
 * removed, expansions marked unreadable, handed to installCommands.ts. Pipelines, `&&` lists,
 * subshells, `RUN` lines of Dockerfiles and workflow `run:` blocks all come down to commands.
 */
import type { Node as SyntaxNode, Parser as TSParser } from 'web-tree-sitter';
import { treeSitterParser } from './treeSitter';
import { LineIndex } from '../lineIndex';
import { installNames, type InstallName, type Word } from './installCommands';

export function bashParser(): Promise<TSParser> {
  return treeSitterParser('tree-sitter-bash.wasm', () => require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
}

const EXPANSIONS = new Set(['simple_expansion', 'expansion', 'command_substitution', 'process_substitution', 'arithmetic_expansion']);

/** A word's value after quote removal, or undefined when part of it is computed. */
function wordText(node: SyntaxNode): string | undefined {
  switch (node.type) {
    case 'word':
    case 'number':
      return node.text.replace(/\\(.)/g, '$1');
    case 'raw_string':
      return node.text.slice(1, -1);
    case 'string': {
      if (node.namedChildren.some((c) => c && EXPANSIONS.has(c.type))) return undefined;
      return node.text.slice(1, -1);
    }
    case 'concatenation': {
      const parts = node.namedChildren.map((c) => (c ? wordText(c) : undefined));
      return parts.every((p) => p !== undefined) ? parts.join('') : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The packages the install commands in `text` name. Offsets are in `text`; `map` turns them into
 * document offsets when the text was taken out of a larger document (a Markdown code block).
 */
export async function installNamesInShell(text: string, map: (offset: number) => number = (o) => o): Promise<InstallName[]> {
  if (!/\b(npm|npx|yarn|pnpm|pnpx|bun|bunx|pip3?|python3?|uvx?|poetry|pipx)\b/.test(text)) return []; // (a cheap pre-check: the parse is the judge)
  const parser = await bashParser();
  const tree = parser.parse(text);
  if (!tree) return [];
  const lines = new LineIndex(text);
  const at = (node: SyntaxNode) => lines.offsetAt(node.startPosition.row, node.startPosition.column);
  const out: InstallName[] = [];
  try {
    const stack: SyntaxNode[] = [tree.rootNode];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.type === 'command') {
        const words: Word[] = [];
        for (const child of node.namedChildren) {
          if (!child) continue;
          const target = child.type === 'command_name' ? child.namedChildren[0] ?? child : child;
          if (child.type === 'variable_assignment') {
            words.push({ text: child.text, offset: at(child), length: child.text.length });
            continue;
          }
          if (!['word', 'number', 'raw_string', 'string', 'concatenation', 'command_name'].includes(child.type)) continue;
          const text = wordText(target);
          const quoted = target.type === 'raw_string' || target.type === 'string';
          words.push({ text, offset: at(target) + (quoted ? 1 : 0), length: target.text.length });
        }
        for (const n of installNames(words)) out.push({ ...n, offset: map(n.offset) });
      }
      for (let i = node.namedChildCount - 1; i >= 0; i--) {
        const c = node.namedChild(i);
        if (c) stack.push(c);
      }
    }
  } finally {
    tree.delete();
  }
  return out;
}

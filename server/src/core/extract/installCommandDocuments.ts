/**
 * The documents install commands are read from, each with its own parser: Markdown and the files
 * coding agents read (markdownCommands.ts), shell scripts (tree-sitter-bash), Dockerfiles
 * (dockerfile-ast, `RUN` in shell form), GitHub workflow `run:` steps (the yaml package), and
 * package.json `scripts` (jsonc-parser). Each gives the names with their offsets in the document.
 */
import * as path from 'path';
import { parseTree, findNodeAtLocation } from 'jsonc-parser';
import { parseDocument, isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import { installNamesInMarkdown } from './markdownCommands';
import { LineIndex } from '../lineIndex';
import { installNamesInShell } from './shellCommands';
import type { InstallName } from './installCommands';

export type InstallDocumentKind = 'markdown' | 'shell' | 'dockerfile' | 'workflow';

const AGENT_FILES = new Set(['agents.md', 'claude.md', 'skill.md', '.cursorrules', 'copilot-instructions.md', 'gemini.md', '.windsurfrules']);

/** Which kind of install-command document a path is, if any. */
export function installDocumentKind(file: string, languageId?: string): InstallDocumentKind | undefined {
  const base = path.basename(file).toLowerCase();
  const parts = file.split(/[\\/]/);
  // Release history (CHANGELOG.md, HISTORY.md): records of what was, not instructions to copy, and
  // the largest Markdown files of a repository.
  if (/^(changelog|changes|history|releases?)([-_.].*)?\.(md|mdx|markdown)$/.test(base)) return undefined;
  if (languageId === 'markdown' || /\.(md|mdx|markdown|mdc)$/.test(base) || AGENT_FILES.has(base)) return 'markdown';
  if (languageId === 'shellscript' || /\.(sh|bash|zsh)$/.test(base)) return 'shell';
  if (languageId === 'dockerfile' || base === 'dockerfile' || base === 'containerfile' || base.startsWith('dockerfile.') || base.endsWith('.dockerfile')) return 'dockerfile';
  if (/\.ya?ml$/.test(base) && parts.length >= 3 && parts[parts.length - 2] === 'workflows' && parts[parts.length - 3] === '.github') return 'workflow';
  return undefined;
}

interface DockerfileAst {
  DockerfileParser: {
    parse(text: string): {
      getInstructions(): { getKeyword(): string; getArgumentsRange(): { start: { line: number; character: number }; end: { line: number; character: number } } | null }[];
    };
  };
}

async function dockerfileNames(text: string): Promise<InstallName[]> {
  // (typed here by what is used: its own typings pull in LSP types, which core/ does not import)
  const { DockerfileParser } = require('dockerfile-ast') as DockerfileAst;
  const lines = new LineIndex(text);
  const out: InstallName[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    if (instruction.getKeyword() !== 'RUN') continue;
    const range = instruction.getArgumentsRange();
    if (!range) continue;
    const from = lines.offsetAt(range.start.line, range.start.character);
    const to = lines.offsetAt(range.end.line, range.end.character);
    const shell = text.slice(from, to);
    if (shell.trimStart().startsWith('[')) continue; // exec form: JSON, not shell
    out.push(...(await installNamesInShell(shell, (o) => from + o)));
  }
  return out;
}

async function workflowNames(text: string): Promise<InstallName[]> {
  const doc = parseDocument(text, { keepSourceTokens: false });
  const lines = new LineIndex(text);
  const runs: YamlNode[] = [];
  const walk = (node: unknown): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isScalar(pair.key) && pair.key.value === 'run' && isScalar(pair.value) && typeof pair.value.value === 'string') runs.push(pair.value);
        else walk(pair.value);
      }
    } else if (isSeq(node)) for (const item of node.items) walk(item);
  };
  walk(doc.contents);
  const out: InstallName[] = [];
  for (const node of runs) {
    const value = String((node as { value: string }).value);
    const [start] = node.range ?? [0];
    const type = (node as { type?: string }).type;
    if (type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') {
      // `run: |`: the lines below, less their indentation
      out.push(...(await installNamesInShell(value, lines.dedentedOffsets(lines.positionAt(start).line + 1, value.split('\n')))));
    } else {
      const quoted = type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE';
      if (text.slice(start + (quoted ? 1 : 0), start + (quoted ? 1 : 0) + value.length) !== value) continue; // escapes: offsets unknown
      out.push(...(await installNamesInShell(value, (o) => start + (quoted ? 1 : 0) + o)));
    }
  }
  return out;
}

/** Names in package.json `scripts` (the manifest pipeline adds them to its own findings). */
export async function packageScriptNames(text: string): Promise<InstallName[]> {
  const tree = parseTree(text);
  const scripts = tree && findNodeAtLocation(tree, ['scripts']);
  if (!scripts?.children) return [];
  const out: InstallName[] = [];
  for (const prop of scripts.children) {
    const value = prop.children?.[1];
    if (value?.type !== 'string' || typeof value.value !== 'string') continue;
    const base = value.offset + 1;
    if (text.slice(base, base + value.value.length) !== value.value) continue; // escapes: offsets unknown
    out.push(...(await installNamesInShell(value.value, (o) => base + o)));
  }
  return out;
}

export async function installNamesIn(kind: InstallDocumentKind, text: string): Promise<InstallName[]> {
  switch (kind) {
    case 'markdown':
      return installNamesInMarkdown(text);
    case 'shell':
      return installNamesInShell(text);
    case 'dockerfile':
      return dockerfileNames(text);
    case 'workflow':
      return workflowNames(text);
  }
}

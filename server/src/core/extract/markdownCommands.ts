/**
 * Install commands in Markdown (READMEs, and the files coding agents read: AGENTS.md, CLAUDE.md,
 * SKILL.md, .cursorrules, .cursor/rules/*.mdc, copilot-instructions.md), read with markdown-it (a
 * CommonMark parser): shell-like code blocks (`sh`, `bash`, `shell`, `zsh`, `console` with its `$`
 * prompts, or no language) and inline code, each parsed as shell (shellCommands.ts).
 */
import MarkdownIt = require('markdown-it');
import { installNamesInShell } from './shellCommands';
import { LineIndex } from '../lineIndex';
import type { InstallName } from './installCommands';

const SHELL_LANGS = new Set(['', 'sh', 'bash', 'shell', 'zsh', 'console', 'shell-session', 'terminal', 'cmd', 'powershell', 'ps1', 'dockerfile', 'docker']);
const CONSOLE_LANGS = new Set(['console', 'shell-session', 'terminal']);
const PROMPT = /^\s*(?:\$|%|>|PS>|❯)\s/;

let parser: MarkdownIt | undefined;

export async function installNamesInMarkdown(text: string): Promise<InstallName[]> {
  if (!/\b(npm|npx|yarn|pnpm|pnpx|bunx?|pip3?|uvx?|poetry|pipx)\b/.test(text)) return [];
  parser ??= new MarkdownIt({ html: true }); // (CommonMark: HTML blocks, comments among them, are HTML, not text)
  const doc = new LineIndex(text);
  const out: InstallName[] = [];
  // `<!-- groundcheck-ignore -->` on its own before a block: that block's commands are examples
  // with made-up names on purpose (`pip install coffee` in a resolver tutorial), not to be checked.
  let skipNextBlock = false;
  for (const token of parser.parse(text, {})) {
    if (token.type === 'html_block' && /<!--\s*groundcheck-ignore\b[^>]*-->/.test(token.content)) {
      skipNextBlock = true;
      continue;
    }
    if (skipNextBlock && (token.type === 'fence' || token.type === 'code_block' || token.type === 'inline')) {
      skipNextBlock = false;
      continue;
    }
    if ((token.type === 'fence' || token.type === 'code_block') && token.map) {
      const lang = token.type === 'fence' ? token.info.trim().split(/\s+/)[0].toLowerCase() : '';
      if (!SHELL_LANGS.has(lang)) continue;
      // The block's lines are the source lines after the fence (or the lines themselves, for
      // indented code), less the indentation Markdown removed: map each back to its source line.
      const first = token.map[0] + (token.type === 'fence' ? 1 : 0);
      const lines = token.content.replace(/\n$/, '').split('\n');
      // `console` blocks: commands follow a prompt, other lines are output; elsewhere a leading
      // `$ ` is a prompt too. Either way each line keeps its length, so offsets map line for line.
      const shell = lines
        .map((line) => {
          const prompt = PROMPT.exec(line);
          if (CONSOLE_LANGS.has(lang)) return prompt ? ' '.repeat(prompt[0].length) + line.slice(prompt[0].length) : ' '.repeat(line.length);
          return line.startsWith('$ ') ? '  ' + line.slice(2) : line;
        })
        .join('\n');
      out.push(...(await installNamesInShell(shell, doc.dedentedOffsets(first, lines))));
    } else if (token.type === 'inline' && token.map && token.children) {
      // Inline code carries no column: find each span, in order, in the paragraph's own lines.
      let cursor = doc.offsetAt(token.map[0], 0);
      const end = doc.offsetAt(token.map[1], 0);
      for (const child of token.children) {
        if (child.type !== 'code_inline' || !child.content) continue;
        const at = text.indexOf(child.content, cursor);
        if (at < 0 || at >= end) continue;
        cursor = at + child.content.length;
        out.push(...(await installNamesInShell(child.content.replace(/^\$\s/, '  '), (o) => at + o)));
      }
    }
  }
  return out;
}

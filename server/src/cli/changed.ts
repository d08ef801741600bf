/** `--changed <ref>`: the lines added or changed since a git ref, per absolute file path. */
import { execFileSync } from 'child_process';
import * as path from 'path';

export type ChangedLines = Map<string, Set<number> | 'all'>;

/** Reads `git diff --unified=0 <ref>` (the working tree against the ref) plus untracked files. Lines are 1-based. */
export function changedLines(repoRoot: string, ref: string): ChangedLines {
  const git = (args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]); // throws with git's message for an unknown ref
  const result: ChangedLines = new Map();
  let current: Set<number> | undefined;
  for (const line of git(['diff', '--unified=0', '--no-color', '--no-ext-diff', '--no-renames', ref, '--']).split('\n')) {
    if (line.startsWith('+++ ')) {
      const target = line.slice(4);
      current = undefined;
      if (target.startsWith('b/')) {
        current = new Set<number>();
        result.set(path.join(repoRoot, target.slice(2)), current);
      }
    } else if (line.startsWith('@@') && current) {
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (m) {
        const start = Number(m[1]);
        const count = m[2] === undefined ? 1 : Number(m[2]);
        for (let i = 0; i < count; i++) current.add(start + i);
      }
    }
  }
  for (const rel of git(['ls-files', '-z', '--others', '--exclude-standard']).split('\0')) {
    if (rel) result.set(path.join(repoRoot, rel), 'all');
  }
  return result;
}

export function isChanged(changed: ChangedLines, file: string, line: number): boolean {
  const lines = changed.get(file);
  return lines === 'all' || (lines !== undefined && lines.has(line));
}

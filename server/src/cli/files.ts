/**
 * Which files a scan covers: tracked and untracked-but-not-ignored files when inside a git
 * repository (git knows .gitignore best), else a walk that honours every .gitignore on the way.
 * node_modules, vendored code and minified bundles are never scanned.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import ignore, { type Ignore } from 'ignore';
import { isSupportedDocument } from '../core/extract';
import { NOT_PROJECT_CODE } from '../core/notProjectCode';

const SKIPPED_FILES = /\.(?:min|bundle)\.[cm]?js$|\.d\.[cm]?ts$/;

export function isScannable(rel: string): boolean {
  const parts = rel.split(/[\\/]/);
  if (parts.slice(0, -1).some((p) => NOT_PROJECT_CODE.has(p))) return false;
  const base = parts[parts.length - 1];
  return !SKIPPED_FILES.test(base) && isSupportedDocument({ path: rel });
}

export function gitRoot(cwd: string): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined; // not a repository, or no git
  }
}

/** Absolute paths of the files to check under `target` (a file or a folder). */
export function collectFiles(target: string): string[] {
  const stat = fs.statSync(target); // throws for a missing path: the caller reports it (exit 2)
  if (stat.isFile()) return [target];
  const root = gitRoot(target);
  if (root) {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.'], {
      cwd: target, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const all = out.split('\0').filter(Boolean);
    // A Python environment committed (or not ignored) under any name: its pyvenv.cfg marks it.
    const environments = all.filter((rel) => rel === 'pyvenv.cfg' || rel.endsWith('/pyvenv.cfg')).map((rel) => rel.slice(0, -'pyvenv.cfg'.length));
    return all
      .filter((rel) => isScannable(rel) && !environments.some((env) => rel.startsWith(env)))
      .map((rel) => path.join(target, rel))
      .filter((abs) => fs.existsSync(abs)); // deleted but still in the index
  }
  return walk(target);
}

function walk(root: string): string[] {
  const files: string[] = [];
  const visit = (dir: string, rules: { base: string; ig: Ignore }[]) => {
    const gitignore = path.join(dir, '.gitignore');
    const here = fs.existsSync(gitignore) ? [...rules, { base: dir, ig: ignore().add(fs.readFileSync(gitignore, 'utf8')) }] : rules;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // unreadable folder: nothing to check there
    }
    for (const e of entries) {
      const abs = path.join(dir, e.name);
      const ignored = here.some(({ base, ig }) => ig.ignores(path.relative(base, abs) + (e.isDirectory() ? '/' : '')));
      if (ignored || e.isSymbolicLink()) continue;
      if (e.isDirectory()) {
        if (!NOT_PROJECT_CODE.has(e.name) && !fs.existsSync(path.join(abs, 'pyvenv.cfg'))) visit(abs, here);
      } else if (e.isFile() && isScannable(path.relative(root, abs))) files.push(abs);
    }
  };
  visit(root, []);
  return files;
}

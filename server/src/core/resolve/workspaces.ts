/** npm, yarn and pnpm workspaces: where the root is and which package names it holds. */
import * as path from 'path';
import { globSync } from 'tinyglobby';
import { parse as parseYaml } from 'yaml';
import { ancestors, type FileSystem } from '../io';
import { readManifest, type Manifest } from './manifest';

export interface Workspace {
  root: string;
  rootManifest?: Manifest;
  /** Member package name -> directory. */
  packages: Map<string, string>;
}

function pnpmGlobs(fs: FileSystem, dir: string): string[] | undefined {
  const text = fs.readFile(path.join(dir, 'pnpm-workspace.yaml'));
  if (text === undefined) return undefined;
  try {
    const doc = parseYaml(text) as { packages?: unknown } | null;
    return Array.isArray(doc?.packages) ? doc!.packages.map(String) : [];
  } catch {
    return [];
  }
}

function lernaGlobs(fs: FileSystem, dir: string): string[] | undefined {
  const text = fs.readFile(path.join(dir, 'lerna.json'));
  if (text === undefined) return undefined;
  try {
    const json = JSON.parse(text) as { packages?: unknown };
    return Array.isArray(json.packages) ? json.packages.map(String) : undefined;
  } catch {
    return undefined;
  }
}

/** Finds the workspace root at or above `fromDir`, if any. */
export function findWorkspace(fs: FileSystem, fromDir: string): Workspace | undefined {
  for (const dir of ancestors(fromDir)) {
    const manifest = fs.exists(path.join(dir, 'package.json')) ? readManifest(fs, path.join(dir, 'package.json')) : undefined;
    const globs = [...(manifest?.workspaces ?? []), ...(pnpmGlobs(fs, dir) ?? []), ...(lernaGlobs(fs, dir) ?? [])];
    if (globs.length > 0) return { root: dir, rootManifest: manifest, packages: expandMembers(fs, dir, globs) };
  }
  return undefined;
}

function expandMembers(fs: FileSystem, root: string, globs: string[]): Map<string, string> {
  const include = globs.filter((g) => !g.startsWith('!')).map((g) => `${g.replace(/\/+$/, '')}/package.json`);
  const ignore = ['**/node_modules/**', ...globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1))];
  const packages = new Map<string, string>();
  let files: string[] = [];
  try {
    files = globSync(include, { cwd: root, ignore, absolute: true, followSymbolicLinks: false });
  } catch {
    files = []; // a malformed glob declares nothing we can use
  }
  for (const file of files) {
    const m = readManifest(fs, file);
    if (m?.name) packages.set(m.name, m.dir);
  }
  return packages;
}

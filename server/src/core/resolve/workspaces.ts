/** npm, yarn and pnpm workspaces: where the root is and which package names it holds. */
import * as path from 'path';
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

/**
 * Finds the workspace root at or above `fromDir`, if any. `rootedAt` caches, per folder, whether it
 * is a workspace root: the member globs walk the tree, so they must run once per root, not once per
 * folder that asks (a real monorepo has thousands of folders).
 */
export function findWorkspace(fs: FileSystem, fromDir: string, rootedAt: Map<string, Workspace | null> = new Map()): Workspace | undefined {
  for (const dir of ancestors(fromDir)) {
    let found = rootedAt.get(dir);
    if (found === undefined) {
      found = workspaceRootedAt(fs, dir) ?? null;
      rootedAt.set(dir, found);
    }
    if (found) return found;
  }
  return undefined;
}

function workspaceRootedAt(fs: FileSystem, dir: string): Workspace | undefined {
  const manifest = fs.exists(path.join(dir, 'package.json')) ? readManifest(fs, path.join(dir, 'package.json')) : undefined;
  const globs = [...(manifest?.workspaces ?? []), ...(pnpmGlobs(fs, dir) ?? []), ...(lernaGlobs(fs, dir) ?? [])];
  return globs.length > 0 ? { root: dir, rootManifest: manifest, packages: expandMembers(fs, dir, globs) } : undefined;
}

function expandMembers(fs: FileSystem, root: string, globs: string[]): Map<string, string> {
  const include = globs.filter((g) => !g.startsWith('!')).map((g) => `${g.replace(/\/+$/, '')}/package.json`);
  const ignore = ['**/node_modules/**', ...globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1))];
  const packages = new Map<string, string>();
  let files: string[] = [];
  try {
    files = fs.glob(root, include, ignore);
  } catch {
    files = []; // a malformed glob declares nothing we can use
  }
  for (const file of files) {
    const m = readManifest(fs, file);
    if (m?.name) packages.set(m.name, m.dir);
  }
  return packages;
}

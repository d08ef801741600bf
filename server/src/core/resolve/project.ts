/**
 * What the resolver knows about the project around a file, read once and cached per directory
 * until a watched configuration file changes (`invalidate`).
 */
import * as path from 'path';
import { ancestors, type FileSystem } from '../io';
import type { PackageManager } from '../model';
import { readAmbientModules } from './ambientModules';
import { readBundlerAliases } from './bundlerAliases';
import { frameworkPrefixes } from './frameworks';
import { readManifest, type Manifest } from './manifest';
import { findConfigDir, readCompilerPaths, type CompilerPaths } from './tsconfig';
import { findWorkspace, type Workspace } from './workspaces';

export interface ProjectInfo {
  /** Nearest package.json above the file. */
  manifest?: Manifest;
  workspace?: Workspace;
  compilerPaths: CompilerPaths;
  bundlerAliases: string[];
  frameworkPrefixes: { framework: string; prefix: string }[];
  ambientModules: string[];
  /** Yarn Plug'n'Play: no node_modules, so a declared dependency counts as installed. */
  pnp: boolean;
  packageManager: PackageManager;
  /** Whether a name is declared by the nearest manifest or the workspace root manifest. */
  declaredSpec(name: string): string | undefined;
}

const LOCKFILES: [string, PackageManager][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lockb', 'bun'],
  ['bun.lock', 'bun'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

export class ProjectModel {
  private readonly byDir = new Map<string, ProjectInfo>();
  private readonly manifests = new Map<string, Manifest | undefined>();
  private readonly ambient = new Map<string, string[]>();

  constructor(private readonly fs: FileSystem) {}

  /** Forget everything: a package.json, tsconfig, lockfile or config changed. */
  invalidate(): void {
    this.byDir.clear();
    this.manifests.clear();
    this.ambient.clear();
  }

  forFile(file: string): ProjectInfo {
    const dir = path.dirname(file);
    let info = this.byDir.get(dir);
    if (!info) {
      info = this.compute(dir);
      this.byDir.set(dir, info);
    }
    return info;
  }

  private nearestManifest(fromDir: string): Manifest | undefined {
    for (const dir of ancestors(fromDir)) {
      if (this.manifests.has(dir)) return this.manifests.get(dir);
      const file = path.join(dir, 'package.json');
      if (this.fs.exists(file)) {
        const m = readManifest(this.fs, file);
        this.manifests.set(dir, m);
        return m;
      }
    }
    return undefined;
  }

  private compute(dir: string): ProjectInfo {
    const fs = this.fs;
    const manifest = this.nearestManifest(dir);
    const workspace = findWorkspace(fs, manifest?.dir ?? dir);
    const configDir = findConfigDir(fs, dir);
    const compilerPaths = configDir ? readCompilerPaths(fs, configDir) : { mappings: [], baseUrls: [], configs: [] };
    const roots = unique([manifest?.dir, workspace?.root, configDir].filter((d): d is string => !!d));
    const declaredSpec = (name: string) => manifest?.dependencies.get(name) ?? workspace?.rootManifest?.dependencies.get(name);
    const top = workspace?.root ?? manifest?.dir ?? dir;
    let ambientModules = this.ambient.get(top);
    if (!ambientModules) {
      ambientModules = manifest || workspace ? readAmbientModules(fs, top) : [];
      this.ambient.set(top, ambientModules);
    }
    return {
      manifest,
      workspace,
      compilerPaths,
      bundlerAliases: roots.flatMap((r) => readBundlerAliases(fs, r)),
      frameworkPrefixes: frameworkPrefixes((n) => declaredSpec(n) !== undefined),
      ambientModules,
      pnp: roots.some((r) => fs.exists(path.join(r, '.pnp.cjs')) || fs.exists(path.join(r, '.pnp.js'))),
      packageManager: detectPackageManager(fs, manifest?.dir ?? dir),
      declaredSpec,
    };
  }
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

export function detectPackageManager(fs: FileSystem, fromDir: string): PackageManager {
  for (const dir of ancestors(fromDir)) {
    for (const [file, pm] of LOCKFILES) if (fs.exists(path.join(dir, file))) return pm;
    const manifest = fs.readFile(path.join(dir, 'package.json'));
    if (manifest) {
      // corepack's "packageManager": "pnpm@9.0.0"
      try {
        const pm = (JSON.parse(manifest) as { packageManager?: string }).packageManager?.split('@')[0];
        if (pm === 'pnpm' || pm === 'yarn' || pm === 'bun' || pm === 'npm') return pm;
      } catch {
        // not valid JSON mid-edit; keep walking
      }
    }
  }
  return 'npm';
}

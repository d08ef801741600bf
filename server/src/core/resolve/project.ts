/**
 * What the resolver knows about the project around a file, read once and cached per directory
 * until a watched configuration file changes (`invalidate`).
 */
import * as path from 'path';
import { ancestors, type FileSystem } from '../io';
import type { PackageManager } from '../model';
import { readAmbientModules } from './ambientModules';
import { readBundlerAliases } from './bundlerAliases';
import { IMPORT_MAP_FILES, readImportMap, type ImportMap } from './importMaps';
import { frameworkPrefixes } from './frameworks';
import { readManifest, type Manifest } from './manifest';
import { findConfigDir, readCompilerPaths, type CompilerPaths } from './tsconfig';
import { findWorkspace, type Workspace } from './workspaces';
import { catalogRange, readLockfile, readWorkspaceCatalogs } from './lockfiles';
import type { DerivedCache } from '../derivedCache';

export interface ProjectInfo {
  /** Nearest package.json above the file. */
  manifest?: Manifest;
  workspace?: Workspace;
  compilerPaths: CompilerPaths;
  bundlerAliases: string[];
  /** The nearest import map (deno.json, import_map.json) up to the project's top. */
  importMap?: ImportMap;
  frameworkPrefixes: { framework: string; prefix: string }[];
  ambientModules: string[];
  /** Yarn Plug'n'Play: no node_modules, so a declared dependency counts as installed. */
  pnp: boolean;
  packageManager: PackageManager;
  /** Whether a name is declared by the nearest manifest or the workspace root manifest. */
  declaredSpec(name: string): string | undefined;
  /**
   * The version of a package the project runs: locked in its lockfile, else the declared range
   * (a pnpm `catalog:` spec resolved to its range), else undefined (then `latest` is checked).
   */
  versionToCheck(name: string): string | undefined;
}

/** The files `compute` reads in a folder itself (besides ones named by these, and .git which ends some searches). */
const FOLDER_MARKERS = new Set(['package.json', 'tsconfig.json', 'jsconfig.json', ...IMPORT_MAP_FILES, 'pnpm-workspace.yaml', 'lerna.json', '.git']);

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
  /** Per folder: the workspace rooted there, or null (see findWorkspace). */
  private readonly workspaceRoots = new Map<string, Workspace | null>();
  /** Per root: what is read once for every folder under it (aliases, tsconfig paths, package manager). */
  private readonly perRoot = new Map<string, unknown>();

  private once<T>(key: string, read: () => T): T {
    if (!this.perRoot.has(key)) this.perRoot.set(key, read());
    return this.perRoot.get(key) as T;
  }

  /** `derived`: keeps what is read from large lockfiles between runs (the CLI's cache). */
  constructor(private readonly fs: FileSystem, private readonly derived?: DerivedCache) {}

  /** Forget everything: a package.json, tsconfig, lockfile or config changed. */
  invalidate(): void {
    this.byDir.clear();
    this.manifests.clear();
    this.ambient.clear();
    this.workspaceRoots.clear();
    this.perRoot.clear();
  }

  forFile(file: string): ProjectInfo {
    return this.forDir(path.dirname(file));
  }

  private forDir(dir: string): ProjectInfo {
    let info = this.byDir.get(dir);
    if (!info) {
      info = this.inherited(dir) ?? this.compute(dir);
      this.byDir.set(dir, info);
    }
    return info;
  }

  /**
   * A folder with none of the files `compute` reads in a folder itself (most source folders) is
   * in its parent's project as it is: its answer is the parent's, found once per tree instead of
   * walked again from every folder. Only under a package.json: without one, the folder itself is
   * where the package manager and lockfile importer are looked for.
   */
  private inherited(dir: string): ProjectInfo | undefined {
    const parent = path.dirname(dir);
    if (parent === dir || path.basename(dir) === 'node_modules') return undefined;
    if (this.fs.readDir(dir).some((name) => FOLDER_MARKERS.has(name))) return undefined;
    const above = this.forDir(parent);
    return above.manifest ? above : undefined;
  }

  /** The package.json files above a package's own, up to the workspace root or the repository root. */
  private enclosingManifests(packageDir: string, workspaceRoot: string | undefined): Manifest[] {
    const out: Manifest[] = [];
    for (let m = this.above(packageDir); m && out.length < 12; m = this.above(m.dir)) {
      if (workspaceRoot && !isInside(m.dir, workspaceRoot)) break;
      out.push(m);
      if (m.dir === workspaceRoot || this.fs.exists(path.join(m.dir, '.git'))) break;
    }
    return out;
  }

  /** The nearest package.json strictly above a package's folder. */
  private above(packageDir: string): Manifest | undefined {
    const parent = path.dirname(packageDir);
    return parent === packageDir ? undefined : this.nearestManifest(parent);
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
    const workspace = findWorkspace(fs, manifest?.dir ?? dir, this.workspaceRoots);
    // A tsconfig above the workspace root belongs to another project (a repository that holds this
    // one as a fixture or a vendored copy): the search stops at the root.
    const nearestConfig = findConfigDir(fs, dir);
    const configDir = nearestConfig && workspace && !isInside(nearestConfig, workspace.root) ? undefined : nearestConfig;
    // `paths` of every tsconfig from the nearest up to the workspace root: a test folder's own
    // tsconfig need not extend the parent one whose `paths` its tests rely on (vite's `~utils`).
    const configDirs: string[] = [];
    for (let d = configDir; d && (d === configDir || isInside(d, workspace?.root ?? manifest?.dir)); d = findConfigDir(fs, path.dirname(d))) {
      configDirs.push(d);
      if (path.dirname(d) === d) break;
    }
    const compilerPaths = mergePaths(configDirs.map((d) => this.once(`paths\0${d}`, () => readCompilerPaths(fs, d))));
    const roots = unique([manifest?.dir, workspace?.root, configDir].filter((d): d is string => !!d));
    // Node resolves a package from node_modules in every folder above the file, so a dependency of an
    // enclosing package (up to the workspace or repository root) is available to a nested one.
    const enclosing = manifest ? this.enclosingManifests(manifest.dir, workspace?.root) : [];
    const declaredSpec = (name: string) => {
      for (const m of [manifest, ...enclosing, workspace?.rootManifest]) {
        const spec = m?.dependencies.get(name);
        if (spec !== undefined) return spec;
      }
      return undefined;
    };
    const top = workspace?.root ?? manifest?.dir ?? dir;
    const lockDirs = unique([workspace?.root, manifest?.dir].filter((d): d is string => !!d));
    const versionToCheck = (name: string): string | undefined => {
      let declared = declaredSpec(name);
      if (declared?.startsWith('catalog:')) {
        const root = workspace?.root ?? manifest?.dir ?? dir;
        declared = catalogRange(this.once(`catalogs\0${root}`, () => readWorkspaceCatalogs(fs, root)), name, declared);
      }
      for (const lockDir of lockDirs) {
        const lock = this.once(`lock\0${lockDir}`, () => readLockfile(fs, lockDir, this.derived));
        const locked = lock?.versionFor(name, manifest?.dir ?? dir, declared);
        if (locked) return locked;
      }
      return declared;
    };
    let ambientModules = this.ambient.get(top);
    if (!ambientModules) {
      ambientModules = manifest || workspace ? readAmbientModules(fs, top, this.derived) : [];
      this.ambient.set(top, ambientModules);
    }
    return {
      manifest,
      workspace,
      compilerPaths,
      bundlerAliases: roots.flatMap((r) => this.once(`aliases\0${r}`, () => readBundlerAliases(fs, r, this.derived))),
      importMap: this.nearestImportMap(dir, top),
      frameworkPrefixes: frameworkPrefixes((n) => declaredSpec(n) !== undefined),
      ambientModules,
      pnp: roots.some((r) => this.once(`pnp\0${r}`, () => fs.exists(path.join(r, '.pnp.cjs')) || fs.exists(path.join(r, '.pnp.js')))),
      packageManager: this.once(`pm\0${manifest?.dir ?? dir}`, () => detectPackageManager(fs, manifest?.dir ?? dir)),
      declaredSpec,
      versionToCheck,
    };
  }

  /**
   * The nearest folder's import map, from the file's folder up to the project's top, or (a Deno
   * project has no package.json) up to the repository root.
   */
  private nearestImportMap(dir: string, top: string): ImportMap | undefined {
    let depth = 0;
    for (let d = dir; ; d = path.dirname(d)) {
      const map = this.once(`importmap\0${d}`, () => readImportMap(this.fs, d));
      if (map) return map;
      const atTop = d === top && this.fs.exists(path.join(d, 'package.json'));
      if (atTop || this.fs.exists(path.join(d, '.git')) || path.dirname(d) === d || ++depth > 12) return undefined;
    }
  }
}

function isInside(dir: string, root: string | undefined): boolean {
  return !!root && (dir === root || dir.startsWith(root + path.sep));
}

function mergePaths(all: CompilerPaths[]): CompilerPaths {
  return { mappings: all.flatMap((p) => p.mappings), baseUrls: all.flatMap((p) => p.baseUrls), configs: all.flatMap((p) => p.configs) };
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

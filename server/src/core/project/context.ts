/**
 * Everything known about the projects being checked, for every language pipeline: the npm and
 * Python project models, groundcheck.json, .npmrc and pip configuration. Each is read once and kept
 * until a watched file changes (`invalidate`). The private-scope policy itself is one function,
 * `refusedByPrivateScope` in registry/npmrc.ts; this is where the configuration it reads comes from.
 */
import * as path from 'path';
import ignore, { type Ignore } from 'ignore';
import { ancestors, type FileSystem, type Logger } from '../io';
import { NOT_PROJECT_CODE } from '../notProjectCode';

const MAX_TREE_DEPTH = 8;
const MAX_TREE_ENTRIES = 100_000;
import type { FindingCode, Severity } from '../model';
import type { GroundcheckSettings } from '../config/settings';
import { mergeSettings, projectConfigIn, type ProjectConfig } from '../config/projectConfig';
import type { DerivedCache } from '../derivedCache';
import { ProjectModel, type ProjectInfo } from '../resolve/project';
import { PythonProjectModel, type PythonProjectInfo } from '../resolve/python/project';
import { loadNpmConfig, type NpmConfig } from '../registry/npmrc';
import { loadPipConfig, type PypiConfig } from '../registry/pipConfig';

export interface ProjectContextDeps {
  fs: FileSystem;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  /** Whether the checked project's .npmrc and pip.conf may supply credentials (see registry/npmrc.ts). */
  trusted: boolean;
  homeDir?: string;
  /** Keeps what is derived from large lockfiles between runs. */
  derived?: DerivedCache;
}

export class ProjectContext {
  readonly npm: ProjectModel;
  readonly python: PythonProjectModel;
  private readonly npmConfigs = new Map<string, NpmConfig>();
  private readonly pipConfigs = new Map<string, PypiConfig>();
  private readonly projectConfigs = new Map<string, ProjectConfig | undefined>();
  private readonly excludeMatchers = new Map<string, Ignore>();
  private readonly treePackages = new Map<string, Set<string>>();

  constructor(private readonly deps: ProjectContextDeps) {
    this.npm = new ProjectModel(deps.fs, deps.derived);
    this.python = new PythonProjectModel(deps.fs, deps.env);
  }

  /** Configuration files changed: everything is read again on the next check. */
  invalidate(): void {
    this.npm.invalidate();
    this.python.invalidate();
    this.npmConfigs.clear();
    this.pipConfigs.clear();
    this.projectConfigs.clear();
    this.excludeMatchers.clear();
    this.treePackages.clear();
  }

  /**
   * The names of every package.json anywhere in the repository around a file (bounded walk, not
   * into dependencies or vendored folders): packages of the project itself, published or not,
   * which its docs may tell people to install (`yarn add @prettier/plugin-yuku` before its release).
   */
  packagesInTree(file: string): ReadonlySet<string> {
    const fs = this.deps.fs;
    const top = [...ancestors(path.dirname(file))].find((d) => fs.exists(path.join(d, '.git'))) ?? path.dirname(file);
    let names = this.treePackages.get(top);
    if (!names) {
      const found = new Set<string>();
      let seen = 0;
      const walk = (dir: string, depth: number): void => {
        const entries = fs.readDir(dir);
        seen += entries.length;
        if (seen > MAX_TREE_ENTRIES) return;
        if (entries.includes('package.json')) {
          try {
            const name = (JSON.parse(fs.readFile(path.join(dir, 'package.json')) ?? '{}') as { name?: unknown }).name;
            if (typeof name === 'string') found.add(name);
          } catch {
            // a package.json that does not parse names nothing (its own check reports it)
          }
        }
        if (depth >= MAX_TREE_DEPTH) return;
        for (const e of entries) if (!e.startsWith('.') && !NOT_PROJECT_CODE.has(e) && fs.isDirectory(path.join(dir, e))) walk(path.join(dir, e), depth + 1);
      };
      walk(top, 0);
      names = found;
      this.treePackages.set(top, names);
    }
    return names;
  }

  /** The groundcheck.json (or package.json `groundcheck` key) that applies to a file. */
  projectConfigFor(file: string): ProjectConfig | undefined {
    return this.projectConfigOfDir(path.dirname(file));
  }

  /** Per folder, from its parent's answer: a tree of a thousand folders reads each manifest once. */
  private projectConfigOfDir(dir: string): ProjectConfig | undefined {
    if (!this.projectConfigs.has(dir)) {
      const own = projectConfigIn(this.deps.fs, dir);
      const parent = path.dirname(dir);
      const config = own !== 'look-above' ? own : parent === dir ? undefined : this.projectConfigOfDir(parent);
      if (own !== 'look-above') for (const e of own?.errors ?? []) this.deps.logger.warn(e);
      this.projectConfigs.set(dir, config);
    }
    return this.projectConfigs.get(dir);
  }

  /** Every project configuration read so far (for problems to show on the file itself). */
  projectConfigsRead(): ProjectConfig[] {
    return [...new Set([...this.projectConfigs.values()].filter((c): c is ProjectConfig => !!c))];
  }

  /** The editor's or CLI's settings combined with the project's file. */
  settingsFor(file: string, settings: GroundcheckSettings): GroundcheckSettings {
    return mergeSettings(settings, this.projectConfigFor(file));
  }

  /** The severity a code has for a file under the editor's or CLI's settings and the project's file. */
  severityFor(file: string, settings: GroundcheckSettings, code: FindingCode): Severity {
    return this.settingsFor(file, settings).severity[code];
  }

  /**
   * Whether the project's groundcheck.json excludes a file (`"exclude": ["tests/data/"]`): test data
   * that imports made-up names on purpose, generated code.
   */
  isExcluded(file: string): boolean {
    const config = this.projectConfigFor(file);
    if (!config || config.exclude.length === 0) return false;
    const rel = path.relative(path.dirname(config.file), file).split(path.sep).join('/');
    if (rel.startsWith('..')) return false;
    let matcher = this.excludeMatchers.get(config.file);
    if (!matcher) {
      matcher = ignore().add(config.exclude);
      this.excludeMatchers.set(config.file, matcher);
    }
    return matcher.ignores(rel);
  }

  /** npm's configuration for a project (its root's .npmrc, never one above), with the private scopes. */
  npmConfigFor(project: ProjectInfo, settings: Pick<GroundcheckSettings, 'privateScopes'>): NpmConfig {
    const projectDir = project.manifest?.dir;
    const key = `${projectDir ?? ''}\0${settings.privateScopes.join(',')}`;
    let config = this.npmConfigs.get(key);
    if (!config) {
      config = loadNpmConfig({
        fs: this.deps.fs, env: this.deps.env, projectDir, workspaceRoot: project.workspace?.root, trusted: this.deps.trusted, homeDir: this.deps.homeDir, privateScopes: settings.privateScopes,
      });
      if (config.ignoredProjectKeys.length > 0) {
        this.deps.logger.info(`${projectDir}/.npmrc: not trusted, so only its registry lines are used (ignored: ${config.ignoredProjectKeys.join(', ')})`);
      }
      this.npmConfigs.set(key, config);
    }
    return config;
  }

  /** pip's configuration for a Python project: the setting, the environment's pip.conf (trusted only), the user's. */
  pipConfigFor(project: PythonProjectInfo, settings: GroundcheckSettings): PypiConfig {
    const key = `${project.environment?.dir ?? ''}\u0000${settings.python.indexUrl ?? ''}`;
    let config = this.pipConfigs.get(key);
    if (!config) {
      config = loadPipConfig({ fs: this.deps.fs, env: this.deps.env, homeDir: this.deps.homeDir, environmentDir: project.environment?.dir, trusted: this.deps.trusted, settingIndexUrl: settings.python.indexUrl });
      this.pipConfigs.set(key, config);
    }
    return config;
  }
}

/**
 * The pipeline for one document: extract references -> resolve them locally -> look the rest up
 * in the registry index -> findings. Editor-agnostic: the language server and the CLI both call
 * `check` and only translate what it returns.
 */
import * as path from 'path';
import ignore, { type Ignore } from 'ignore';
import { CancelledError, type CancellationToken, type Clock, type FileSystem, type Logger } from '../io';
import type { ApiReference, CheckResult, Finding, FindingCode, PackageInfo, Reference, Severity } from '../model';
import type { GroundcheckSettings } from '../config/settings';
import { mergeSettings, readProjectConfig, type ProjectConfig } from '../config/projectConfig';
import { extractReferences, isPackageManifest, unreadableReason, type DocumentInput } from '../extract';
import { jsonParseError } from '../resolve/manifest';
import { PythonChecker, pythonDocumentKind } from './pythonChecker';
import type { PypiConfig } from '../registry/pipConfig';
import { IncrementalParser } from '../extract/javascript';
import { ProjectModel, type ProjectInfo } from '../resolve/project';
import { installedDir, resolveLocally } from '../resolve/resolvers';
import { matchesAny, parsePackageSpecifier, typesPackageName } from '../resolve/specifier';
import { loadNpmConfig, refusedByPrivateScope, type NpmConfig } from '../registry/npmrc';
import type { PackageLookup } from '../registry/lookup';
import type { PopularIndex } from '../suggest/popularIndex';
import { manifestUnreadableMessage, undeclaredMessage } from './messages';
import { registryVerdict } from './registryVerdict';
import { applySuppressions } from './suppressions';
import { ApiChecker } from './apiChecker';
import { ManifestChecker } from './manifestChecker';
import type { ExportTables, ModuleQuery } from '../exports/exportTables';

export interface CheckerDeps {
  fs: FileSystem;
  lookup: PackageLookup;
  index: PopularIndex;
  /** The Python pipeline's registry and index; without them Python documents are not checked. */
  python?: { lookup: PackageLookup<PypiConfig>; index: PopularIndex };
  logger: Logger;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  /** Whether the checked project's .npmrc may supply credentials (see registry/npmrc.ts); false, only its registry lines count. */
  trusted: boolean;
  homeDir?: string;
  /** Export tables for API checks (named imports, members); without them only packages are checked. */
  tables?: ExportTables;
}

interface PendingPackage {
  ref: Reference;
  name: string;
  subpath: string;
  registryName: string;
  project: ProjectInfo;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Whether a promise is still pending after `ms` (its own failure counts as done: the caller awaits it). */
function isSlow(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), ms)));
  return Promise.race([promise.then(() => false, () => false), late]).finally(() => clearTimeout(timer));
}

/** API checks that take longer than this get the package verdicts published before them. */
export const PARTIAL_AFTER_MS = 150;

export interface CheckOptions {
  /**
   * Called with the package verdicts when the API checks that follow are slow (tarballs still
   * arriving); the returned result then has everything. The editor publishes both.
   */
  onPartial?: (result: CheckResult) => void;
  partialAfterMs?: number;
}

function isJavaScriptFile(file: string, languageId?: string): boolean {
  if (languageId) return languageId === 'javascript' || languageId === 'javascriptreact';
  return /\.[cm]?jsx?$/.test(file);
}

/** Test, story and config files declare their imports under devDependencies. */
function isDevFile(file: string): boolean {
  const parts = file.split(/[\\/]/);
  const base = parts[parts.length - 1];
  return (
    parts.some((p) => p === 'test' || p === 'tests' || p === '__tests__' || p === 'e2e' || p === 'scripts') ||
    /\.(test|spec|stories|config)\.[cm]?[jt]sx?$/.test(base)
  );
}

/** Packages with a side-effect import of one of their own subpaths in the document (plugins that augment them). */
function augmentedPackages(references: Reference[], apis: ApiReference[]): Set<string> {
  const used = new Set(apis.map((a) => a.specifier));
  const out = new Set<string>();
  for (const ref of references) {
    const pkg = ref.kind === 'import' && !used.has(ref.specifier) ? parsePackageSpecifier(ref.specifier) : undefined;
    if (pkg?.subpath) out.add(pkg.name);
  }
  return out;
}

/** Why a check threw, in words for the person reading the finding. */
export function failureReason(e: unknown): string {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'the code is nested too deeply for the parser';
  const err = e as { code?: string; message?: string };
  return err?.message ? `${err.code && !err.message.includes(err.code) ? `${err.code}: ` : ''}${err.message}` : String(e);
}

/** A finding at the top of a file that could not be checked; its imports stay unverified. */
export function checkFailedFinding(reason: string, severity: Severity): Finding {
  return {
    code: 'check-failed',
    severity,
    message: `Groundcheck could not check this file: ${reason}. Its imports are not verified.`,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    data: { packageName: '', subpath: '', suggestions: [] },
  };
}

export class Checker {
  readonly projects: ProjectModel;
  /** Syntax trees of the documents being edited, for incremental reparsing. */
  readonly parser = new IncrementalParser();
  private readonly npmConfigs = new Map<string, NpmConfig>();
  private readonly projectConfigs = new Map<string, ProjectConfig | undefined>();
  private readonly excludeMatchers = new Map<string, Ignore>();

  readonly python: PythonChecker | undefined;
  private readonly apis: ApiChecker | undefined;
  private readonly manifests: ManifestChecker;

  constructor(private readonly deps: CheckerDeps) {
    this.projects = new ProjectModel(deps.fs);
    this.apis = deps.tables ? new ApiChecker({ tables: deps.tables, logger: deps.logger }) : undefined;
    const tables = deps.tables;
    this.manifests = new ManifestChecker({ lookup: deps.lookup, index: deps.index, satisfiable: tables ? (name, range, config) => tables.rangeSatisfiable(name, range, config) : undefined });
    this.python = deps.python
      ? new PythonChecker({ fs: deps.fs, lookup: deps.python.lookup, index: deps.python.index, logger: deps.logger, clock: deps.clock, env: deps.env, trusted: deps.trusted, homeDir: deps.homeDir })
      : undefined;
  }

  /** Configuration files changed: re-read manifests, tsconfigs and .npmrc on the next check. */
  invalidate(): void {
    this.projects.invalidate();
    this.npmConfigs.clear();
    this.projectConfigs.clear();
    this.excludeMatchers.clear();
    this.python?.invalidate();
    this.deps.tables?.invalidate();
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

  /** Every project configuration read so far (for problems to show on the file itself). */
  projectConfigsRead(): ProjectConfig[] {
    return [...new Set([...this.projectConfigs.values()].filter((c): c is ProjectConfig => !!c))];
  }

  /** The groundcheck.json (or package.json `groundcheck` key) that applies to a file. */
  projectConfigFor(file: string): ProjectConfig | undefined {
    const dir = path.dirname(file);
    if (!this.projectConfigs.has(dir)) {
      const config = readProjectConfig(this.deps.fs, dir);
      for (const e of config?.errors ?? []) this.deps.logger.warn(e);
      this.projectConfigs.set(dir, config);
    }
    return this.projectConfigs.get(dir);
  }

  /** The severity a code has for a file under the editor's or CLI's settings and the project's file. */
  severityFor(file: string, settings: GroundcheckSettings, code: FindingCode): Severity {
    return mergeSettings(settings, this.projectConfigFor(file)).severity[code];
  }

  /** npm's configuration for a project (its root's .npmrc, never one above), with the private-scope policy. */
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

  /**
   * Checks one document. Whatever goes wrong inside (a parser that overflows its stack on 50,000
   * nested parentheses, a bug of ours) becomes a `check-failed` finding on this document alone, so
   * the editor and the CLI go on with every other file.
   */
  async check(doc: DocumentInput, baseSettings: GroundcheckSettings, token: CancellationToken, options: CheckOptions = {}): Promise<CheckResult> {
    const t0 = this.deps.clock.now();
    try {
      return await this.checkUnguarded(doc, baseSettings, token, options);
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      // The finding says why; the stack is for whoever debugs it.
      this.deps.logger.debug(`checking ${doc.path} failed: ${(e as Error).stack ?? e}`);
      const finding = checkFailedFinding(failureReason(e), this.severityFor(doc.path, baseSettings, 'check-failed'));
      const totalMs = this.deps.clock.now() - t0;
      return { findings: finding.severity === 'off' ? [] : [finding], references: 0, unverified: 1, failed: finding.message, timings: { extractMs: 0, resolveMs: 0, lookupMs: 0, totalMs } };
    }
  }

  private async checkUnguarded(doc: DocumentInput, baseSettings: GroundcheckSettings, token: CancellationToken, options: CheckOptions): Promise<CheckResult> {
    const t0 = this.deps.clock.now();
    const settings = mergeSettings(baseSettings, this.projectConfigFor(doc.path));
    const empty = (skipped?: string): CheckResult => ({
      findings: [], references: 0, unverified: 0, skipped,
      timings: { extractMs: 0, resolveMs: 0, lookupMs: 0, totalMs: this.deps.clock.now() - t0 },
    });
    if (!settings.enable) return empty('disabled');
    if (this.isExcluded(doc.path)) return empty('excluded');
    const pythonKind = pythonDocumentKind(doc.path, doc.languageId);
    if (pythonKind) {
      const unreadable = unreadableReason(doc.text);
      if (unreadable || !this.python) return empty(unreadable ?? 'Python checking is not configured');
      const outcome = await this.python.check(doc.path, doc.text, pythonKind, settings, token);
      const total = this.deps.clock.now() - t0;
      return { ...outcome, timings: { extractMs: 0, resolveMs: 0, lookupMs: total, totalMs: total } };
    }
    if (isPackageManifest(doc)) return this.checkManifest(doc, settings, t0, token);
    const extracted = extractReferences(doc, this.parser);
    if (!extracted.ok) return empty(extracted.reason);
    const t1 = this.deps.clock.now();

    const pending: PendingPackage[] = [];
    // Modules whose exports the document's names are checked against (issue #3).
    const queries = new Map<string, ModuleQuery>();
    // `import 'mousetrap/plugins/global-bind'`: a side-effect import of a package's own plugin adds
    // members at run time (Mousetrap.bindGlobal) that its export table cannot know of.
    const augmented = augmentedPackages(extracted.references, extracted.apis);
    if (augmented.size > 0) extracted.apis = extracted.apis.filter((a) => !(a.use.endsWith('-member') && augmented.has(parsePackageSpecifier(a.specifier)?.name ?? '')));
    const apiSpecifiers = new Set(this.apis ? extracted.apis.map((a) => a.specifier) : []);
    // A package that is not installed costs a tarball: not worth it for a bare default import, which
    // every CommonJS package satisfies (only an ES module without a default export would fail).
    const tarballWorthy = new Set(extracted.apis.filter((a) => a.use !== 'default').map((a) => a.specifier));
    for (const ref of extracted.references) {
      const project = this.projects.forFile(doc.path);
      const res = resolveLocally(ref.specifier, {
        file: doc.path, fs: this.deps.fs, project, declaredModules: extracted.declaredModules, typeOnly: ref.typeOnly,
      });
      if (res.kind === 'local' && apiSpecifiers.has(ref.specifier) && !queries.has(ref.specifier)) {
        const query = this.localModuleQuery(ref.specifier, res.via, doc.path, project, settings);
        if (query) queries.set(ref.specifier, query);
      }
      if (res.kind !== 'package') continue;
      if (matchesAny(res.pkg.name, settings.allow) || matchesAny(res.registryName, settings.allow)) continue;
      pending.push({ ref, name: res.pkg.name, subpath: res.pkg.subpath, registryName: res.registryName, project });
    }
    const t2 = this.deps.clock.now();
    if (token.isCancellationRequested) throw new CancelledError();

    const results = await Promise.all(pending.map((p) => this.lookupPackage(p, settings)));
    if (token.isCancellationRequested) throw new CancelledError();

    const findings: Finding[] = [];
    let unverified = 0;
    for (let i = 0; i < pending.length; i++) {
      const info = results[i];
      if (!info) continue;
      if (info.status === 'unverified') unverified++;
      // Suggestions and the squat rule read the popularity index: load it off the request path.
      if (info.status === 'missing' || info.status === 'exists') await this.deps.index.ready();
      // A suggestion search takes milliseconds; between them, let requests and other checks run.
      if (info.status === 'missing') {
        await yieldToEventLoop();
        if (token.isCancellationRequested) throw new CancelledError();
      }
      const finding = this.toFinding(pending[i], info, doc.path, settings.severity);
      if (finding && finding.severity !== 'off') findings.push(finding);
      const p = pending[i];
      // A suspected squat's tarball is not fetched: nothing of it is read.
      if (info.status === 'exists' && finding?.code !== 'suspicious-package' && tarballWorthy.has(p.ref.specifier) && !queries.has(p.ref.specifier) && !settings.offline) {
        // The locked version when there is a lockfile, else the declared range (else latest).
        const range = p.project.versionToCheck(p.name);
        queries.set(p.ref.specifier, {
          kind: 'package', specifier: p.ref.specifier, name: p.name, subpath: p.subpath, registryName: p.registryName, fromFile: doc.path, installed: false,
          range, latest: info.latest, config: this.npmConfigFor(p.project, settings), registryAllowed: true, typesDeclared: p.project.declaredSpec(typesPackageName(p.name)) !== undefined,
        });
      }
    }
    let apis: CheckResult['apis'];
    if (this.apis && queries.size > 0) {
      const checking = this.apis.check(
        { apis: extracted.apis, queries, typeChecked: extracted.typeChecked, javascript: isJavaScriptFile(doc.path, doc.languageId), severity: settings.severity },
        token,
      );
      // API checks may wait for tarballs (seconds on a cold cache). Package verdicts are known now:
      // if the API checks are slow, hand those over first, so a made-up package is underlined at once.
      if (options.onPartial) {
        const slow = await isSlow(checking, options.partialAfterMs ?? PARTIAL_AFTER_MS);
        if (slow && !token.isCancellationRequested) {
          const now = this.deps.clock.now();
          options.onPartial({ findings: applySuppressions([...findings], extracted.suppressions).findings, references: extracted.references.length, unverified, partial: true, timings: { extractMs: t1 - t0, resolveMs: t2 - t1, lookupMs: now - t2, totalMs: now - t0 } });
        }
      }
      const outcome = await checking;
      findings.push(...outcome.findings);
      apis = outcome.checked;
    }
    const t3 = this.deps.clock.now();
    return {
      findings: applySuppressions(findings, extracted.suppressions).findings,
      apis,
      references: extracted.references.length,
      unverified,
      timings: { extractMs: t1 - t0, resolveMs: t2 - t1, lookupMs: t3 - t2, totalMs: t3 - t0 },
    };
  }

  /**
   * package.json itself: a file that does not parse is an error at the place it breaks; otherwise
   * its registry dependencies are checked (see ManifestChecker).
   */
  private async checkManifest(doc: DocumentInput, settings: GroundcheckSettings, t0: number, token: CancellationToken): Promise<CheckResult> {
    const error = unreadableReason(doc.text) ? undefined : jsonParseError(doc.text);
    const findings: Finding[] = [];
    let references = 0;
    let unverified = 0;
    if (error && settings.severity['manifest-unreadable'] !== 'off') {
      findings.push({
        code: 'manifest-unreadable',
        severity: settings.severity['manifest-unreadable'],
        message: manifestUnreadableMessage('package.json', error.message),
        range: { start: error.position, end: { line: error.position.line, character: error.position.character + 1 } },
        data: { packageName: '', subpath: '', suggestions: [] },
      });
    } else if (!error) {
      const project = this.projects.forFile(doc.path);
      const outcome = await this.manifests.check(doc.text, project, this.npmConfigFor(project, settings), settings, token);
      findings.push(...outcome.findings);
      references = outcome.references;
      unverified = outcome.unverified;
    }
    const totalMs = this.deps.clock.now() - t0;
    return { findings, references, unverified, timings: { extractMs: 0, resolveMs: 0, lookupMs: totalMs, totalMs } };
  }

  /** How to read the exports of a module resolved without the registry: a builtin or an installed package. */
  private localModuleQuery(specifier: string, via: string, file: string, project: ProjectInfo, settings: GroundcheckSettings): ModuleQuery | undefined {
    if (via === 'Node.js builtin') return { kind: 'builtin', specifier, fromFile: file };
    if (via !== 'node_modules') return undefined;
    const pkg = parsePackageSpecifier(specifier);
    if (!pkg || matchesAny(pkg.name, settings.allow)) return undefined;
    const declared = project.declaredSpec(pkg.name);
    const alias = declared?.startsWith('npm:') ? declared.slice(4).replace(/@[^@]*$/, '') : undefined;
    const registryName = alias || pkg.name;
    const config = this.npmConfigFor(project, settings);
    return {
      kind: 'package', specifier, name: pkg.name, subpath: pkg.subpath, registryName, fromFile: file, installed: true,
      range: declared, config, registryAllowed: !settings.offline && !refusedByPrivateScope(config, registryName), typesDeclared: project.declaredSpec(typesPackageName(pkg.name)) !== undefined,
    };
  }

  /** Undefined when policy forbids asking (a private scope without its own registry). */
  private async lookupPackage(p: PendingPackage, settings: GroundcheckSettings): Promise<PackageInfo | undefined> {
    const config = this.npmConfigFor(p.project, settings);
    const refused = refusedByPrivateScope(config, p.registryName);
    if (refused) {
      this.deps.logger.debug(refused);
      return undefined;
    }
    const ask = (name: string) => (settings.offline ? Promise.resolve(this.deps.lookup.offline(name, config)) : this.deps.lookup.lookup(name, config));
    const info = await ask(p.registryName);
    const typesName = typesPackageName(p.registryName);
    if (info.status === 'missing' && p.ref.typeOnly && !p.registryName.startsWith('@types/') && !refusedByPrivateScope(config, typesName)) {
      // `import type { Node } from 'estree'` is satisfied by @types/estree alone.
      const types = await ask(typesName);
      if (types.status !== 'missing') return { ...types, name: p.registryName };
    }
    return info;
  }

  private toFinding(p: PendingPackage, info: PackageInfo, file: string, severities: Record<string, Severity>): Finding | undefined {
    const base = { range: p.ref.range };
    const data = { packageName: p.name, subpath: p.subpath, suggestions: [] as string[], registry: info.registry, latest: info.latest };
    // Missing, unverified, or a squat (a warning whether declared or not: declared, `npm install` fetches it).
    const verdict = registryVerdict(p.registryName, info, p.ref.range, data, this.deps.index, severities);
    if (verdict) return verdict;
    // Fine if declared, or if a package manager put it somewhere we did not look.
    const manifest = p.project.manifest;
    if (!manifest || p.project.declaredSpec(p.name) !== undefined) return undefined;
    if (installedDir(this.deps.fs, file, p.name)) return undefined;
    const broken = [manifest, p.project.workspace?.rootManifest].find((m) => m?.parseError);
    if (broken?.parseError) {
      // Whether it is declared is unknown: say that, not "undeclared".
      const reason = `${path.relative(path.dirname(file), broken.path) || 'package.json'} cannot be parsed (${broken.parseError.message}), so whether it is declared is unknown`;
      return { ...base, code: 'unverified-package', severity: severities['unverified-package'], message: `'${p.registryName}' exists on the registry, but ${reason}.`, data: { ...data, unverifiedReason: reason } };
    }
    return {
      ...base,
      code: 'undeclared-dependency',
      severity: severities['undeclared-dependency'],
      message: undeclaredMessage(p.registryName, info, path.relative(path.dirname(file), manifest.path) || 'package.json'),
      data: { ...data, manifestPath: manifest.path, dev: isDevFile(path.relative(manifest.dir, file)), packageManager: p.project.packageManager },
    };
  }
}

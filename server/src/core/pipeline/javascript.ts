/**
 * The JavaScript/TypeScript pipeline: extract references with the TypeScript parser -> resolve them
 * locally (resolve/resolvers.ts) -> look the rest up in the npm registry, then check the names
 * taken from them against export tables -> findings.
 */
import * as path from 'path';
import { CancelledError, type CancellationToken, type Clock, type FileSystem, type Logger } from '../io';
import type { CheckedPackage, CheckResult, Finding, PackageInfo, Reference, Severity } from '../model';
import type { GroundcheckSettings } from '../config/settings';
import { extractReferences, isJavaScriptDocument, type DocumentInput } from '../extract';
import type { Extractor } from '../extract/extractPool';
import type { IncrementalParser } from '../extract/javascript';
import type { ProjectInfo } from '../resolve/project';
import { installedDir, resolveLocally } from '../resolve/resolvers';
import { matchesAny, parsePackageSpecifier, typesPackageName } from '../resolve/specifier';
import { refusedByPrivateScope, type NpmConfig } from '../registry/npmrc';
import type { PackageLookup } from '../registry/lookup';
import type { PopularIndex } from '../suggest/popularIndex';
import type { ExportTables, ModuleQuery } from '../exports/exportTables';
import type { ProjectContext } from '../project/context';
import { undeclaredMessage } from '../findings/messages';
import { registryVerdict } from '../findings/registryVerdict';
import type { RiskAssessment, RiskAssessor } from '../findings/risk';
import { applySuppressions } from '../findings/suppressions';
import { ApiChecker } from '../findings/apiChecker';
import type { CheckOptions, LanguagePipeline } from './types';

export interface JavaScriptPipelineDeps {
  fs: FileSystem;
  lookup: PackageLookup;
  index: PopularIndex;
  logger: Logger;
  clock: Clock;
  projects: ProjectContext;
  /** Export tables for API checks (named imports, members); without them only packages are checked. */
  tables?: ExportTables;
  /** Where JavaScript is parsed and extracted: a worker pool; without it, in this thread. */
  extractor?: Extractor;
  /** Risk signals of names that exist (suspicious-package beyond the squat rule); without it, only the squat rule. */
  risk?: RiskAssessor;
}

interface PendingPackage {
  ref: Reference;
  name: string;
  subpath: string;
  registryName: string;
  project: ProjectInfo;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));


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

/**
 * Packages with an import of one of their own subpaths in the document: plugins that augment them
 * (`import 'mousetrap/plugins/global-bind'`, `import utc from 'dayjs/plugin/utc'; dayjs.extend(utc)`),
 * whose added members the package's own table cannot know of.
 */
function augmentedPackages(references: Reference[]): Set<string> {
  const out = new Set<string>();
  for (const ref of references) {
    const pkg = ref.kind === 'import' ? parsePackageSpecifier(ref.specifier) : undefined;
    if (pkg?.subpath) out.add(pkg.name);
  }
  return out;
}

export class JavaScriptPipeline implements LanguagePipeline {
  readonly name = 'javascript';
  /** Syntax trees of the documents being edited, for incremental reparsing. */
  private parser_: IncrementalParser | undefined;
  /** The editor's parser (in this thread, incremental); made at the first parse, since it loads TypeScript. */
  get parser(): IncrementalParser {
    return (this.parser_ ??= new (require('../extract/javascript') as typeof import('../extract/javascript')).IncrementalParser());
  }
  private readonly apis: ApiChecker | undefined;

  constructor(private readonly deps: JavaScriptPipelineDeps) {
    this.apis = deps.tables ? new ApiChecker({ tables: deps.tables, logger: deps.logger }) : undefined;
  }

  accepts(doc: DocumentInput): boolean {
    return isJavaScriptDocument(doc);
  }

  private get projects() {
    return this.deps.projects.npm;
  }

  private npmConfigFor(project: ProjectInfo, settings: GroundcheckSettings): NpmConfig {
    return this.deps.projects.npmConfigFor(project, settings);
  }

  async check(doc: DocumentInput, settings: GroundcheckSettings, token: CancellationToken, options: CheckOptions): Promise<CheckResult> {
    const t0 = this.deps.clock.now();
    // In a worker when the caller has a pool (the CLI over many files), else here, incrementally.
    const extracted = this.deps.extractor && isJavaScriptDocument(doc) ? await this.deps.extractor.extract(doc) : extractReferences(doc, this.parser);
    if (token.isCancellationRequested) throw new CancelledError();
    if (!extracted.ok) return { findings: [], references: 0, unverified: 0, skipped: extracted.reason, timings: { extractMs: 0, resolveMs: 0, lookupMs: 0, totalMs: this.deps.clock.now() - t0 } };
    const t1 = this.deps.clock.now();

    const pending: PendingPackage[] = [];
    // Modules whose exports the document's names are checked against (issue #3).
    const queries = new Map<string, ModuleQuery>();
    // `import 'mousetrap/plugins/global-bind'`: a side-effect import of a package's own plugin adds
    // members at run time (Mousetrap.bindGlobal) that its export table cannot know of.
    const augmented = augmentedPackages(extracted.references);
    // (members of the package's main module only: its subpaths' own names are still checked)
    if (augmented.size > 0) extracted.apis = extracted.apis.filter((a) => !(a.use.endsWith('-member') && !parsePackageSpecifier(a.specifier)?.subpath && augmented.has(parsePackageSpecifier(a.specifier)?.name ?? '')));
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
    const risk = this.deps.risk;
    const risks = risk ? await Promise.all(pending.map((p, i) => results[i] && risk.assess(p.registryName, results[i]!, this.npmConfigFor(p.project, settings), settings))) : [];
    if (token.isCancellationRequested) throw new CancelledError();

    const findings: Finding[] = [];
    const packages: CheckedPackage[] = [];
    /** Packages whose published exports the document's names are checked against (queries made after the package verdicts are out). */
    const fromRegistry: { p: PendingPackage; info: PackageInfo }[] = [];
    let unverified = 0;
    for (let i = 0; i < pending.length; i++) {
      const info = results[i];
      if (!info) continue;
      packages.push({ range: pending[i].ref.range, name: pending[i].registryName, ecosystem: 'npm', status: info.status, registry: info.registry, latest: info.latest });
      if (info.status === 'unverified') unverified++;
      // Suggestions and the squat rule read the popularity index: load it off the request path.
      if (info.status === 'missing' || info.status === 'exists') await this.deps.index.ready();
      // A suggestion search takes milliseconds; between them, let requests and other checks run.
      if (info.status === 'missing') {
        await yieldToEventLoop();
        if (token.isCancellationRequested) throw new CancelledError();
      }
      let finding = this.toFinding(pending[i], info, doc.path, settings.severity, risks[i]);
      // `import type { Request } from 'express'`: what to add is @types/express, when it exists
      if (finding?.code === 'undeclared-dependency' && pending[i].ref.typeOnly) finding = await this.withTypesPackage(finding, pending[i], settings);
      if (finding && finding.severity !== 'off') findings.push(finding);
      // A suspected squat's tarball is not fetched: nothing of it is read.
      if (info.status === 'exists' && finding?.code !== 'suspicious-package' && tarballWorthy.has(pending[i].ref.specifier) && !settings.offline) fromRegistry.push({ p: pending[i], info });
    }
    let apis: CheckResult['apis'];
    if (this.apis && (queries.size > 0 || fromRegistry.length > 0)) {
      // API checks may wait for tarballs (seconds on a cold cache) or build the tables of Node's
      // builtins (a second the first time, its program in one synchronous piece). Package verdicts are known now: when
      // there are any, they are handed over before the API checks start, so a made-up package is
      // underlined at once (a timer set for "slow" could not fire while the tables are built).
      if (options.onPartial && findings.length > 0 && !token.isCancellationRequested) {
        const now = this.deps.clock.now();
        // (awaited: the editor's connection writes on a later turn of the event loop, which the
        // synchronous work below, a large lockfile's first read or Node's tables, would hold up)
        await options.onPartial({ findings: applySuppressions([...findings], extracted.suppressions).findings, references: extracted.references.length, unverified, partial: true, timings: { extractMs: t1 - t0, resolveMs: t2 - t1, lookupMs: now - t2, totalMs: now - t0 } });
      }
      for (const { p, info } of fromRegistry) {
        if (queries.has(p.ref.specifier)) continue;
        // The locked version when there is a lockfile, else the declared range (else latest). (Read
        // only now: the first read of a large lockfile takes half a second, after the verdicts.)
        const range = p.project.versionToCheck(p.name);
        queries.set(p.ref.specifier, {
          kind: 'package', specifier: p.ref.specifier, name: p.name, subpath: p.subpath, registryName: p.registryName, fromFile: doc.path, installed: false,
          range, latest: info.latest, config: this.npmConfigFor(p.project, settings), registryAllowed: true, typesDeclared: p.project.declaredSpec(typesPackageName(p.name)) !== undefined,
        });
      }
      const outcome = await this.apis.check(
        { apis: extracted.apis, queries, typeChecked: extracted.typeChecked, javascript: isJavaScriptFile(doc.path, doc.languageId), severity: settings.severity },
        token,
      );
      findings.push(...outcome.findings);
      apis = outcome.checked;
    }
    const t3 = this.deps.clock.now();
    return {
      findings: applySuppressions(findings, extracted.suppressions).findings,
      apis,
      packages,
      references: extracted.references.length,
      unverified,
      timings: { extractMs: t1 - t0, resolveMs: t2 - t1, lookupMs: t3 - t2, totalMs: t3 - t0 },
    };
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

  /** An undeclared type-only reference: the Add and Install fixes name @types/<name> when it exists. */
  private async withTypesPackage(finding: Finding, p: PendingPackage, settings: GroundcheckSettings): Promise<Finding> {
    const typesName = typesPackageName(p.registryName);
    const config = this.npmConfigFor(p.project, settings);
    if (p.registryName.startsWith('@types/') || refusedByPrivateScope(config, typesName)) return finding;
    const types = settings.offline ? this.deps.lookup.offline(typesName, config) : await this.deps.lookup.lookup(typesName, config);
    if (types.status !== 'exists') return finding;
    return { ...finding, message: `${finding.message} Only its types are used here: ${typesName} provides them.`, data: { ...finding.data, distribution: typesName, latest: types.latest } };
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

  private toFinding(p: PendingPackage, info: PackageInfo, file: string, severities: Record<string, Severity>, risk?: RiskAssessment): Finding | undefined {
    const base = { range: p.ref.range };
    const data = { packageName: p.name, subpath: p.subpath, suggestions: [] as string[], registry: info.registry, latest: info.latest };
    // Missing, unverified, or a squat (a warning whether declared or not: declared, `npm install` fetches it).
    const verdict = registryVerdict(p.registryName, info, p.ref.range, data, this.deps.index, severities, risk);
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

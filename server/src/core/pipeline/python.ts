/**
 * The Python pipeline: imports (files and notebook cells) and dependency declarations
 * (requirements files, pyproject.toml, setup.cfg) -> local resolution (stdlib, the project's own
 * modules, its environment) -> the package index -> findings.
 */
import * as path from 'path';
import { CancelledError, type CancellationToken, type Clock, type FileSystem, type Logger } from '../io';
import type { CheckResult, Finding, PackageInfo, Severity } from '../model';
import type { DocumentInput } from '../extract';
import { pythonDocumentKind } from '../extract/pythonDocuments';
import type { ProjectContext } from '../project/context';
import { lookupOnlyTimings, type LanguagePipeline } from './types';
import type { GroundcheckSettings } from '../config/settings';
import { extractPythonDocument, pythonParser, type PythonImport } from '../extract/python';
import { applySuppressions, pythonSuppressions, type Suppression } from '../findings/suppressions';
import { pypiRegistryVerdict } from '../findings/registryVerdict';
import type { PythonDocumentKind } from '../extract/pythonDocuments';
import { normalizePythonName, parsePyproject, parseRequirementsTxt, parseSetupCfg, type Requirement } from '../extract/requirements';
import { matchesAny } from '../resolve/specifier';
import { resolvePythonLocally } from '../resolve/python/resolvers';
import { candidateDistributions, importNameOfDistribution } from '../resolve/python/importNames';
import type { PythonProjectInfo } from '../resolve/python/project';
import type { PypiConfig } from '../registry/pipConfig';
import type { PackageLookup } from '../registry/lookup';
import type { PopularIndex } from '../suggest/popularIndex';
import { manifestUnreadableMessage, missingVersionMessage, pypiMissingImportMessage, pypiUndeclaredMessage, unverifiedMessage } from '../findings/messages';
const pep440 = require('@renovatebot/pep440') as { satisfies(version: string, specifier: string): boolean; validRange(specifier: string): boolean };

export interface PythonPipelineDeps {
  fs: FileSystem;
  lookup: PackageLookup<PypiConfig>;
  index: PopularIndex;
  logger: Logger;
  clock: Clock;
  projects: ProjectContext;
}

interface PythonCheckOutcome {
  findings: Finding[];
  references: number;
  unverified: number;
}

/** The import name a suggested distribution is most likely used under. */
function importNameOf(distribution: string): string {
  return importNameOfDistribution(distribution) ?? normalizePythonName(distribution).replace(/-/g, '_');
}

export class PythonPipeline implements LanguagePipeline {
  readonly name = 'python';

  constructor(private readonly deps: PythonPipelineDeps) {}

  accepts(doc: DocumentInput): boolean {
    return pythonDocumentKind(doc.path, doc.languageId) !== undefined;
  }

  async check(doc: DocumentInput, settings: GroundcheckSettings, token: CancellationToken): Promise<CheckResult> {
    const t0 = this.deps.clock.now();
    const outcome = await this.checkKind(doc.path, doc.text, pythonDocumentKind(doc.path, doc.languageId)!, settings, token);
    return { ...outcome, timings: lookupOnlyTimings(this.deps.clock.now() - t0) };
  }

  private ask(name: string, config: PypiConfig, settings: GroundcheckSettings): Promise<PackageInfo> {
    const normalized = normalizePythonName(name);
    return settings.offline ? Promise.resolve(this.deps.lookup.offline(normalized, config)) : this.deps.lookup.lookup(normalized, config);
  }

  private suggestions(name: string): string[] {
    return this.deps.index.suggest(normalizePythonName(name)).map((s) => s.name);
  }

  private async checkKind(file: string, text: string, kind: PythonDocumentKind, settings: GroundcheckSettings, token: CancellationToken): Promise<PythonCheckOutcome> {
    // setup.py and noxfile.py declare dependencies in code: the parser reads their literals.
    const project = this.deps.projects.python.forFile(file, settings.python.environment, await pythonParser());
    const config = this.deps.projects.pipConfigFor(project, settings);
    if (kind === 'python') return this.checkImports(file, text, project, config, settings, token);
    let requirements: Requirement[];
    let suppressions: Suppression[] = [];
    if (kind === 'requirements') {
      const parsed = parseRequirementsTxt(text);
      requirements = parsed.requirements;
      suppressions = pythonSuppressions(parsed.comments ?? []);
    }
    else if (kind === 'setup.cfg') requirements = parseSetupCfg(text).requirements;
    else {
      const parsed = parsePyproject(text);
      if ('error' in parsed) {
        // Its pins cannot be checked and what it declares is unknown: an error where it breaks, never a silent pass.
        const severity = settings.severity['manifest-unreadable'];
        const position = { line: parsed.line, character: parsed.character };
        const finding: Finding = {
          code: 'manifest-unreadable', severity, message: manifestUnreadableMessage('pyproject.toml', parsed.error),
          range: { start: position, end: { line: position.line, character: position.character + 1 } },
          data: { ecosystem: 'pypi', packageName: '', subpath: '', suggestions: [] },
        };
        return { findings: severity === 'off' ? [] : [finding], references: 0, unverified: 1 };
      }
      requirements = parsed.requirements;
    }
    const outcome = await this.checkRequirements(requirements, config, settings, token);
    return { ...outcome, findings: applySuppressions(outcome.findings, suppressions).findings };
  }

  private async checkRequirements(requirements: Requirement[], config: PypiConfig, settings: GroundcheckSettings, token: CancellationToken): Promise<PythonCheckOutcome> {
    const todo = requirements.filter((r) => !r.url && !matchesAny(r.normalized, settings.allow) && !matchesAny(r.name, settings.allow));
    const infos = await Promise.all(todo.map((r) => this.ask(r.name, config, settings)));
    if (token.isCancellationRequested) throw new CancelledError();
    const findings: Finding[] = [];
    let unverified = 0;
    for (let i = 0; i < todo.length; i++) {
      const r = todo[i];
      const info = infos[i];
      const data = { ecosystem: 'pypi' as const, packageName: r.name, subpath: '', suggestions: [] as string[], registry: info.registry, latest: info.latest };
      if (info.status !== 'exists') {
        if (info.status === 'unverified') unverified++;
        else await this.deps.index.ready();
        findings.push(pypiRegistryVerdict(r.name, info, r.range, data, this.deps.index, settings.severity)!);
      } else if (r.specifier && info.versions && info.versions.length > 0 && pep440.validRange(r.specifier) && !info.versions.some((v) => pep440.satisfies(v, r.specifier))) {
        // The fix pins the newest release (the code action finds the specifier after the name).
        findings.push({ code: 'missing-version', severity: settings.severity['missing-version'], message: missingVersionMessage(r.name, r.specifier, info), range: r.range, data: { ...data, suggestions: info.latest ? [`==${info.latest}`] : [] } });
      }
    }
    return { findings: findings.filter((f) => f.severity !== 'off'), references: requirements.length, unverified };
  }

  private async checkImports(file: string, text: string, project: PythonProjectInfo, config: PypiConfig, settings: GroundcheckSettings, token: CancellationToken): Promise<PythonCheckOutcome> {
    const { imports, suppressions } = await extractPythonDocument(text, { testFile: /(?:^|[\\/])(?:test_[^\\/]*|[^\\/]*_test|conftest)\.py$/.test(file) });
    if (token.isCancellationRequested) throw new CancelledError();
    const pending: { imp: PythonImport; top: string; candidates: string[] }[] = [];
    for (const imp of imports) {
      if (imp.madeAtRunTime) continue;
      const top = imp.module.split('.')[0];
      if (resolvePythonLocally({ fs: this.deps.fs, file, module: imp.module, top, relative: imp.relative, project })) continue;
      const candidates = candidateDistributions(imp.module);
      if (candidates.length === 0) continue; // no distribution could be called this: nothing to ask
      if (matchesAny(top, settings.allow) || candidates.some((c) => matchesAny(normalizePythonName(c), settings.allow))) continue;
      pending.push({ imp, top, candidates });
    }
    const answers = await Promise.all(pending.map((p) => Promise.all(p.candidates.map((c) => this.ask(c, config, settings)))));
    if (token.isCancellationRequested) throw new CancelledError();

    const findings: Finding[] = [];
    let unverified = 0;
    const manifestName = project.manifest ? path.relative(path.dirname(file), project.manifest.file) : undefined;
    for (let i = 0; i < pending.length; i++) {
      const { imp, top, candidates } = pending[i];
      const infos = answers[i];
      // Code that expects the import may fail (a guard) gets at most a hint: the fallback is the point.
      const soften = (s: Severity): Severity => (imp.guarded && s !== 'off' ? 'hint' : s);
      const existing = infos.findIndex((x) => x.status === 'exists');
      const base = { ecosystem: 'pypi' as const, packageName: top, subpath: imp.module.slice(top.length), suggestions: [] as string[] };
      if (existing >= 0) {
        const distribution = candidates[existing];
        // Declared by the project, or by another dependency file of the same tree (docs/requirements.txt).
        const declared = candidates.some((c) => project.declared.has(normalizePythonName(c)) || project.treeDeclared.has(normalizePythonName(c)));
        if (declared) continue;
        if (project.unreadableManifest) {
          // What the project declares is unknown: say that rather than "undeclared".
          const reason = `${path.basename(project.unreadableManifest.file)} cannot be parsed (${project.unreadableManifest.error}), so whether it is declared is unknown`;
          findings.push({ code: 'unverified-package', severity: soften(settings.severity['unverified-package']), message: `'${distribution}' exists on the package index, but ${reason}.`, range: imp.range, data: { ...base, unverifiedReason: reason } });
          continue;
        }
        if (!project.manifest) continue;
        const info = infos[existing];
        const python = project.environment?.python;
        const installCommand = {
          uv: `uv add ${distribution}`,
          poetry: `poetry add ${distribution}`,
          pipenv: `pipenv install ${distribution}`,
          pip: `${python ?? 'python3'} -m pip install ${distribution}`,
        }[project.installer];
        findings.push({
          code: 'undeclared-dependency',
          severity: soften(settings.severity['undeclared-dependency']),
          message: pypiUndeclaredMessage(imp.module, distribution, info, manifestName),
          range: imp.range,
          data: { ...base, registry: info.registry, latest: info.latest, distribution, manifestPath: project.manifest.file, manifestKind: project.manifest.kind, installCommand },
        });
        continue;
      }
      const failed = infos.find((x) => x.status === 'unverified');
      if (failed) {
        unverified++;
        findings.push({ code: 'unverified-package', severity: soften(settings.severity['unverified-package']), message: unverifiedMessage(candidates[0], failed), range: imp.range, data: { ...base, registry: failed.registry, unverifiedReason: failed.reason } });
        continue;
      }
      await this.deps.index.ready();
      await new Promise<void>((r) => setImmediate(r)); // suggestion searches take milliseconds: let requests through
      if (token.isCancellationRequested) throw new CancelledError();
      const distributions = this.suggestions(candidates[candidates.length - 1] === top ? top : candidates[0]);
      const suggestions = [...new Set(distributions.map(importNameOf))].filter((s) => s !== top);
      findings.push({
        code: 'missing-package',
        severity: soften(settings.severity['missing-package']),
        message: pypiMissingImportMessage(imp.module, candidates.map(normalizePythonName), infos[0], distributions),
        range: imp.range,
        data: { ...base, suggestions, registry: infos[0].registry },
      });
    }
    return { findings: applySuppressions(findings.filter((f) => f.severity !== 'off'), suppressions).findings, references: imports.length, unverified };
  }
}

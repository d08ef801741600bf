/**
 * Install commands where people and coding agents copy them from: READMEs and agent instruction
 * files, shell scripts, Dockerfiles, workflow `run:` steps (and, through the package.json pipeline,
 * `scripts`). Every name an `npm install`/`pip install`-like command would fetch is looked up:
 * a name that does not exist is `missing-package` (what an attacker would register), a squat is
 * `suspicious-package`, a lookup that failed is `unverified-package`. Nothing is run.
 */
import { CancelledError, type CancellationToken, type Clock } from '../io';
import type { CheckedPackage, CheckResult, Finding, PackageInfo, Range } from '../model';
import { LineIndex } from '../lineIndex';
import type { GroundcheckSettings } from '../config/settings';
import type { DocumentInput } from '../extract';
import { installDocumentKind, installNamesIn } from '../extract/installCommandDocuments';
import { registryNameOf, type InstallName } from '../extract/installCommands';
import { normalizePythonName } from '../extract/requirements';
import { matchesAny } from '../resolve/specifier';
import { refusedByPrivateScope } from '../registry/npmrc';
import type { PackageLookup } from '../registry/lookup';
import type { PypiConfig } from '../registry/pipConfig';
import type { PopularIndex } from '../suggest/popularIndex';
import type { ProjectContext } from '../project/context';
import { pypiRegistryVerdict, registryVerdict } from '../findings/registryVerdict';
import type { RiskAssessor } from '../findings/risk';
import { lookupOnlyTimings, type LanguagePipeline } from './types';

export interface InstallCommandDeps {
  lookup: PackageLookup;
  index: PopularIndex;
  python?: { lookup: PackageLookup<PypiConfig>; index: PopularIndex };
  clock: Clock;
  projects: ProjectContext;
  /** Risk signals of names that exist (suspicious-package beyond the squat rule); without it, only the squat rule. */
  risk?: RiskAssessor;
}

/**
 * Scopes documentation writes for "yours" (`npm install @username/prettier-config`): a placeholder
 * for the reader to fill in, not a name anyone would install as written.
 */
const PLACEHOLDER_SCOPE = /^@(?:(?:your|my)[-_]?(?:org|orgname|organization|name|scope|company|team|username|user)?|username|user|org|scope|example|company)\//i;

/** Findings for install names in a document (shared with the package.json pipeline for `scripts`). */
export async function installNameFindings(deps: InstallCommandDeps, file: string, text: string, names: InstallName[], settings: GroundcheckSettings, token: CancellationToken): Promise<{ findings: Finding[]; unverified: number; packages: CheckedPackage[] }> {
  // (most READMEs install nothing: their folders' project facts are not needed)
  if (names.length === 0) return { findings: [], unverified: 0, packages: [] };
  const lines = new LineIndex(text);
  const rangeOf = (n: InstallName): Range => ({ start: lines.positionAt(n.offset), end: lines.positionAt(n.offset + n.length) });
  const npmProject = deps.projects.npm.forFile(file);
  const npmConfig = deps.projects.npmConfigFor(npmProject, settings);
  // (the Python project is found, a walk of the tree, only for a document that installs from PyPI)
  const pipConfig = deps.python && names.some((n) => n.ecosystem !== 'npm') ? deps.projects.pipConfigFor(deps.projects.python.forFile(file, settings.python.environment), settings) : undefined;
  // The project's own packages (a workspace member's README says how to install it before its first
  // release) and placeholders are not names to look up.
  let inTree: ReadonlySet<string> | undefined; // (looked up once per document, and only if needed)
  const own = (n: InstallName) => n.ecosystem === 'npm' && (npmProject.workspace?.packages.has(n.name) || npmProject.manifest?.name === n.name || PLACEHOLDER_SCOPE.test(n.name) || (inTree ??= deps.projects.packagesInTree(file)).has(n.name));
  const todo = names.filter((n) => !own(n) && !matchesAny(n.name, settings.allow) && !matchesAny(registryNameOf(n), settings.allow));
  const ask = (n: InstallName): Promise<PackageInfo | undefined> => {
    if (n.ecosystem === 'npm') {
      if (refusedByPrivateScope(npmConfig, n.name)) return Promise.resolve(undefined);
      return settings.offline ? Promise.resolve(deps.lookup.offline(n.name, npmConfig)) : deps.lookup.lookup(n.name, npmConfig);
    }
    if (!deps.python || !pipConfig) return Promise.resolve(undefined);
    const name = normalizePythonName(n.name);
    return settings.offline ? Promise.resolve(deps.python.lookup.offline(name, pipConfig)) : deps.python.lookup.lookup(name, pipConfig);
  };
  const infos = await Promise.all(todo.map(ask));
  if (token.isCancellationRequested) throw new CancelledError();
  const risks = await Promise.all(todo.map((n, i) => (n.ecosystem === 'npm' && infos[i] ? deps.risk?.assess(n.name, infos[i]!, npmConfig, settings) : undefined)));
  if (token.isCancellationRequested) throw new CancelledError();
  await deps.index.ready();
  await deps.python?.index.ready();
  const findings: Finding[] = [];
  const packages: CheckedPackage[] = [];
  let unverified = 0;
  for (let i = 0; i < todo.length; i++) {
    const n = todo[i];
    const info = infos[i];
    if (!info) continue;
    if (info.status === 'unverified') unverified++;
    const range = rangeOf(n);
    packages.push({ range, name: n.name, ecosystem: n.ecosystem, status: info.status, registry: info.registry.split(' ')[0], latest: info.latest });
    const data = { ecosystem: n.ecosystem, packageName: n.name, subpath: '', suggestions: [] as string[], registry: info.registry, latest: info.latest };
    const finding = n.ecosystem === 'npm'
      ? registryVerdict(n.name, info, range, data, deps.index, settings.severity, risks[i])
      : pypiRegistryVerdict(n.name, info, range, data, deps.python!.index, settings.severity);
    if (finding && finding.severity !== 'off') findings.push({ ...finding, message: `${finding.message} (in \`${n.command}\`)` });
  }
  return { findings, unverified, packages };
}

export class InstallCommandPipeline implements LanguagePipeline {
  readonly name = 'install-commands';

  constructor(private readonly deps: InstallCommandDeps) {}

  accepts(doc: DocumentInput): boolean {
    return installDocumentKind(doc.path, doc.languageId) !== undefined;
  }

  async check(doc: DocumentInput, settings: GroundcheckSettings, token: CancellationToken): Promise<CheckResult> {
    const t0 = this.deps.clock.now();
    const kind = installDocumentKind(doc.path, doc.languageId)!;
    const names = await installNamesIn(kind, doc.text);
    if (token.isCancellationRequested) throw new CancelledError();
    const { findings, unverified, packages } = names.length > 0 ? await installNameFindings(this.deps, doc.path, doc.text, names, settings, token) : { findings: [], unverified: 0, packages: [] };
    return { findings, packages, references: names.length, unverified, timings: lookupOnlyTimings(this.deps.clock.now() - t0) };
  }
}

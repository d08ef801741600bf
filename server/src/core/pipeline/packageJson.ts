/**
 * package.json as a document: a file that does not parse is an error at the place it breaks;
 * otherwise the names and ranges it declares are checked against the registry (ManifestChecker).
 */
import type { CancellationToken, Clock } from '../io';
import type { CheckedPackage, CheckResult, Finding } from '../model';
import type { GroundcheckSettings } from '../config/settings';
import { isPackageManifest, type DocumentInput } from '../extract';
import { jsonParseError } from '../resolve/manifest';
import type { PackageLookup } from '../registry/lookup';
import type { PopularIndex } from '../suggest/popularIndex';
import type { ExportTables } from '../exports/exportTables';
import type { ProjectContext } from '../project/context';
import { manifestUnreadableMessage } from '../findings/messages';
import { ManifestChecker } from '../findings/manifestChecker';
import type { RiskAssessor } from '../findings/risk';
import { lookupOnlyTimings, type LanguagePipeline } from './types';
import { installNameFindings, type InstallCommandDeps } from './installCommands';
import { packageScriptNames } from '../extract/installCommandDocuments';

export interface PackageJsonPipelineDeps extends InstallCommandDeps {
  lookup: PackageLookup;
  index: PopularIndex;
  clock: Clock;
  projects: ProjectContext;
  tables?: ExportTables;
  /** Risk signals of names that exist (suspicious-package beyond the squat rule); without it, only the squat rule. */
  risk?: RiskAssessor;
}

export class PackageJsonPipeline implements LanguagePipeline {
  readonly name = 'package.json';
  private readonly manifests: ManifestChecker;

  constructor(private readonly deps: PackageJsonPipelineDeps) {
    const tables = deps.tables;
    this.manifests = new ManifestChecker({ lookup: deps.lookup, index: deps.index, risk: deps.risk, satisfiable: tables ? (name, range, config) => tables.rangeSatisfiable(name, range, config) : undefined });
  }

  accepts(doc: DocumentInput): boolean {
    return isPackageManifest(doc);
  }

  async check(doc: DocumentInput, settings: GroundcheckSettings, token: CancellationToken): Promise<CheckResult> {
    const t0 = this.deps.clock.now();
    const error = jsonParseError(doc.text);
    const findings: Finding[] = [];
    let references = 0;
    let unverified = 0;
    const packages: CheckedPackage[] = [];
    if (error && settings.severity['manifest-unreadable'] !== 'off') {
      findings.push({
        code: 'manifest-unreadable',
        severity: settings.severity['manifest-unreadable'],
        message: manifestUnreadableMessage('package.json', error.message),
        range: { start: error.position, end: { line: error.position.line, character: error.position.character + 1 } },
        data: { packageName: '', subpath: '', suggestions: [] },
      });
    } else if (!error) {
      const project = this.deps.projects.npm.forFile(doc.path);
      const outcome = await this.manifests.check(doc.text, project, this.deps.projects.npmConfigFor(project, settings), settings, token);
      findings.push(...outcome.findings);
      references = outcome.references;
      unverified = outcome.unverified;
      packages.push(...outcome.packages);
      // `scripts` that install or run packages (`npx made-up-cli`, `pip install x`)
      const names = await packageScriptNames(doc.text);
      if (names.length > 0) {
        const scripts = await installNameFindings(this.deps, doc.path, doc.text, names, settings, token);
        findings.push(...scripts.findings);
        references += names.length;
        unverified += scripts.unverified;
        packages.push(...scripts.packages);
      }
    }
    return { findings, packages, references, unverified, timings: lookupOnlyTimings(this.deps.clock.now() - t0) };
  }
}

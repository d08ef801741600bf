/**
 * The one entry point for checking a document, for the language server and the CLI alike:
 * `checkDocument(doc, settings, token)` merges the project's settings, skips disabled, excluded and
 * unreadable documents, hands the document to the language pipeline that accepts it (Python and
 * its dependency files, package.json, JavaScript/TypeScript), and turns whatever throws into a
 * `check-failed` finding on that document alone.
 */
import { CancelledError, type CancellationToken, type Clock, type FileSystem, type Logger } from '../io';
import type { CheckResult, Finding, Severity } from '../model';
import type { GroundcheckSettings } from '../config/settings';
import { unreadableReason, type DocumentInput } from '../extract';
import type { PackageLookup } from '../registry/lookup';
import type { PypiConfig } from '../registry/pipConfig';
import type { ProjectFiles } from '../registry/pypi';
import type { PopularIndex } from '../suggest/popularIndex';
import type { ExportTables } from '../exports/exportTables';
import type { LockedVersions } from '../registry/lockedVersions';
import type { RiskAssessor } from '../findings/risk';
import type { Extractor } from '../extract/extractPool';
import type { DerivedCache } from '../derivedCache';
import { ProjectContext } from '../project/context';
import { JavaScriptPipeline } from './javascript';
import { PackageJsonPipeline } from './packageJson';
import { PythonPipeline } from './python';
import { InstallCommandPipeline } from './installCommands';
import { LockfilePipeline } from './lockfiles';
import type { CheckOptions, LanguagePipeline } from './types';

export type { CheckOptions, LanguagePipeline } from './types';

export interface CheckerDeps {
  fs: FileSystem;
  lookup: PackageLookup;
  index: PopularIndex;
  /** The Python pipeline's registry and index; without them Python documents are not checked. */
  python?: {
    lookup: PackageLookup<PypiConfig>;
    index: PopularIndex;
    /** The files (and their hashes) the index lists for a project, for lockfile hashes. */
    files?: (name: string, config: PypiConfig) => Promise<ProjectFiles | undefined>;
  };
  logger: Logger;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  /** Whether the checked project's .npmrc may supply credentials (see registry/npmrc.ts); false, only its registry lines count. */
  trusted: boolean;
  homeDir?: string;
  /** Export tables for API checks (named imports, members); without them only packages are checked. */
  tables?: ExportTables;
  /** Keeps what is derived from large lockfiles between runs (parsed versions, entries). */
  derived?: DerivedCache;
  /** Where JavaScript is parsed: a worker pool (the CLI on many files); without it, in this thread. */
  extractor?: Extractor;
  /** Locked npm versions and their integrity, for lockfiles; without it only their download hosts are checked. */
  lockedVersions?: LockedVersions;
  /** Risk signals of names that exist (suspicious-package beyond the squat rule); without it, only the squat rule. */
  risk?: RiskAssessor;
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

export class DocumentChecker {
  /** Project models and configuration, shared by every pipeline. */
  readonly projects: ProjectContext;
  readonly javascript: JavaScriptPipeline;
  readonly python: PythonPipeline | undefined;
  private readonly pipelines: LanguagePipeline[];

  constructor(private readonly deps: CheckerDeps) {
    this.projects = new ProjectContext(deps);
    this.javascript = new JavaScriptPipeline({ ...deps, projects: this.projects });
    this.python = deps.python ? new PythonPipeline({ ...deps, ...deps.python, projects: this.projects }) : undefined;
    const packageJson = new PackageJsonPipeline({ ...deps, projects: this.projects });
    const installCommands = new InstallCommandPipeline({ ...deps, projects: this.projects });
    this.pipelines = [...(this.python ? [this.python] : []), packageJson, this.javascript, installCommands, new LockfilePipeline({ ...deps, projects: this.projects })];
  }

  /** Configuration files changed: re-read manifests, tsconfigs, .npmrc and environments on the next check. */
  invalidate(): void {
    this.projects.invalidate();
    this.deps.tables?.invalidate();
  }

  /**
   * Checks one document. Whatever goes wrong inside (a parser that overflows its stack on 50,000
   * nested parentheses, a bug of ours) becomes a `check-failed` finding on this document alone, so
   * the editor and the CLI go on with every other file.
   */
  async checkDocument(doc: DocumentInput, baseSettings: GroundcheckSettings, token: CancellationToken, options: CheckOptions = {}): Promise<CheckResult> {
    const t0 = this.deps.clock.now();
    const empty = (skipped?: string): CheckResult => ({
      findings: [], references: 0, unverified: 0, skipped,
      timings: { extractMs: 0, resolveMs: 0, lookupMs: 0, totalMs: this.deps.clock.now() - t0 },
    });
    try {
      const settings = this.projects.settingsFor(doc.path, baseSettings);
      if (!settings.enable) return empty('disabled');
      if (this.projects.isExcluded(doc.path)) return empty('excluded');
      const pipeline = this.pipelines.find((p) => p.accepts(doc));
      if (!pipeline) return empty(this.deps.python ? 'not a supported document' : 'not a JavaScript or TypeScript document (Python checking is not configured)');
      const unreadable = unreadableReason(doc.text);
      if (unreadable) return empty(unreadable); // binary or too large: said in the summary, never parsed
      return await pipeline.check(doc, settings, token, options);
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      // The finding says why; the stack is for whoever debugs it.
      this.deps.logger.debug(`checking ${doc.path} failed: ${(e as Error).stack ?? e}`);
      const finding = checkFailedFinding(failureReason(e), this.projects.severityFor(doc.path, baseSettings, 'check-failed'));
      const totalMs = this.deps.clock.now() - t0;
      return { findings: finding.severity === 'off' ? [] : [finding], references: 0, unverified: 1, failed: finding.message, timings: { extractMs: 0, resolveMs: 0, lookupMs: 0, totalMs } };
    }
  }
}

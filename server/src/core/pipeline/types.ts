/**
 * What every language pipeline is: extract references from a document -> resolve them locally (a
 * chain of resolver plug-ins) -> look the rest up (registry, index, export tables) -> findings.
 * checkDocument (pipeline/index.ts) picks the one that accepts a document.
 */
import type { CancellationToken } from '../io';
import type { CheckResult } from '../model';
import type { GroundcheckSettings } from '../config/settings';
import type { DocumentInput } from '../extract';

export interface CheckOptions {
  /**
   * Called with the package verdicts, when there are findings among them, before the API checks
   * that follow (tarballs may still be arriving); the returned result then has everything. The
   * editor publishes both.
   */
  onPartial?: (result: CheckResult) => void | Promise<void>;
}

export interface LanguagePipeline {
  readonly name: string;
  accepts(doc: DocumentInput): boolean;
  /** `settings` are already merged with the project's groundcheck.json. */
  check(doc: DocumentInput, settings: GroundcheckSettings, token: CancellationToken, options: CheckOptions): Promise<CheckResult>;
}

/** Timings for a pipeline that does not measure its stages apart. */
export function lookupOnlyTimings(totalMs: number): CheckResult['timings'] {
  return { extractMs: 0, resolveMs: 0, lookupMs: totalMs, totalMs };
}

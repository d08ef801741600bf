/** What a scan produced, in the shape every output format reads. */
import type { Finding } from '../core/model';

export interface FileReport {
  /** Absolute path. */
  file: string;
  /** Path relative to the scan's base directory, with forward slashes. */
  rel: string;
  findings: Finding[];
}

export interface ScanReport {
  baseDir: string;
  files: FileReport[];
  /** Files checked (including those without findings). */
  checked: number;
  /** Files not analysed, with the reason (too large, binary, unreadable). */
  skipped: { rel: string; reason: string }[];
  durationMs: number;
  toolVersion: string;
  /** Files left out by `exclude` in groundcheck.json. */
  excluded?: number;
  /** Files whose check failed (each carries a `check-failed` finding). */
  failed?: number;
  /** Unverified references (and files that could not be checked) by cause, for the summary. */
  unverifiedReasons: Record<string, number>;
}

export function counts(report: ScanReport): { errors: number; warnings: number; notes: number; unverified: number; total: number } {
  const all = report.files.flatMap((f) => f.findings);
  return {
    errors: all.filter((f) => f.severity === 'error').length,
    warnings: all.filter((f) => f.severity === 'warning').length,
    notes: all.filter((f) => f.severity === 'information' || f.severity === 'hint').length,
    unverified: all.filter((f) => f.code === 'unverified-package' || f.code === 'check-failed').length,
    total: all.length,
  };
}

/**
 * `--format json`: a documented, versioned contract (see README, "CLI JSON output").
 * Lines and columns are 1-based; `endColumn` is exclusive.
 */
import { counts, type ScanReport } from '../report';

export const JSON_FORMAT_VERSION = 1;

export function toJson(report: ScanReport): object {
  const c = counts(report);
  return {
    version: JSON_FORMAT_VERSION,
    tool: { name: 'groundcheck', version: report.toolVersion },
    summary: { filesChecked: report.checked, findings: c.total, errors: c.errors, warnings: c.warnings, notes: c.notes, unverified: c.unverified, unverifiedReasons: report.unverifiedReasons, filesSkipped: report.skipped.length, filesExcluded: report.excluded ?? 0, filesFailed: report.failed ?? 0, durationMs: report.durationMs },
    findings: report.files.flatMap((file) =>
      file.findings.map((f) => ({
        file: file.rel,
        line: f.range.start.line + 1,
        column: f.range.start.character + 1,
        endLine: f.range.end.line + 1,
        endColumn: f.range.end.character + 1,
        code: f.code,
        severity: f.severity,
        message: f.message,
        package: f.data.packageName,
        suggestions: f.data.suggestions,
        registry: f.data.registry ?? null,
      })),
    ),
    skipped: report.skipped,
  };
}

export function formatJson(report: ScanReport): string {
  return JSON.stringify(toJson(report), null, 2) + '\n';
}

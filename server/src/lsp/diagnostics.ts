/** Findings -> LSP diagnostics: the only place that knows both shapes. */
import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import type { Finding, Severity } from '../core/model';
import { docsUrl } from '../core/findings/messages';
import type { DiagnosticData } from '../../../shared/protocol';

const SEVERITY: Record<Exclude<Severity, 'off'>, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(finding: Finding, version: number): Diagnostic {
  const data: DiagnosticData = { version, ...finding.data };
  return {
    range: finding.range,
    severity: SEVERITY[finding.severity as Exclude<Severity, 'off'>] ?? DiagnosticSeverity.Warning,
    source: 'groundcheck',
    code: finding.code,
    codeDescription: { href: docsUrl(finding.code) },
    message: finding.message,
    data,
  };
}

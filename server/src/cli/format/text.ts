/** Compiler-style output: `path:line:col  severity  message  [code]`, then a summary line. */
import { counts, type ScanReport } from '../report';

const COLORS = { red: 31, yellow: 33, cyan: 36, gray: 90, bold: 1 } as const;

export function formatText(report: ScanReport, color: boolean): string {
  const paint = (c: keyof typeof COLORS, s: string) => (color ? `\u001b[${COLORS[c]}m${s}\u001b[0m` : s);
  const lines: string[] = [];
  for (const file of report.files) {
    for (const f of file.findings) {
      const where = `${file.rel}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
      const sev = f.severity === 'error' ? paint('red', 'error') : f.severity === 'warning' ? paint('yellow', 'warning') : paint('cyan', 'note');
      lines.push(`${paint('bold', where)}  ${sev}  ${f.message}  ${paint('gray', `[${f.code}]`)}`);
    }
  }
  for (const s of report.skipped) lines.push(paint('gray', `${s.rel}: ${s.reason}`));
  const c = counts(report);
  const seconds = (report.durationMs / 1000).toFixed(1);
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  if (c.total === 0) {
    lines.push(`No problems in ${plural(report.checked, 'file')} (${seconds} s).`);
  } else {
    const parts = [plural(c.errors, 'error'), plural(c.warnings, 'warning')];
    if (c.notes) parts.push(plural(c.notes, 'note'));
    const withFindings = report.files.filter((f) => f.findings.length > 0).length;
    const summary = `${plural(c.total, 'problem')} (${parts.join(', ')}) in ${withFindings} of ${plural(report.checked, 'file')} (${seconds} s).`;
    lines.push('', c.errors ? paint('red', summary) : summary);
  }
  // What was not verified is said every time, with why: a gate that passed on "unverified" should say so.
  if (c.unverified > 0) {
    const why = Object.entries(report.unverifiedReasons).sort((a, b) => b[1] - a[1]).map(([r, n]) => `${n} ${r}`).join(', ');
    lines.push(paint('yellow', `${plural(c.unverified, 'reference')} could not be verified (${why}).`));
  }
  if (report.skipped.length > 0) lines.push(paint('gray', `${plural(report.skipped.length, 'file')} skipped (listed above).`));
  if (report.excluded) lines.push(paint('gray', `${plural(report.excluded, 'file')} excluded by groundcheck.json.`));
  return lines.join('\n') + '\n';
}

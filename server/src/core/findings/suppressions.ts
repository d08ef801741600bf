/**
 * Inline suppression comments, read from the comments the language's own parser found:
 *
 *   import legacy from 'internal-shim'; // groundcheck-ignore-line
 *   // groundcheck-ignore-next-line missing-package, undeclared-dependency
 *   import x from 'y';
 *   import made_up_for_a_test  # groundcheck: ignore[missing-package]
 *   # groundcheck: ignore            (alone on its line: applies to the next line)
 *
 * Without codes every finding on the line is suppressed; with codes only those. A directive that
 * names an unknown code suppresses nothing (a typo must not hide a finding).
 */
import type { Finding } from '../model';

/** One directive: the line it applies to and the codes it names (undefined: all). */
export interface Suppression {
  line: number;
  codes?: ReadonlySet<string>;
}

export interface CommentText {
  /** Line the comment starts on (0-based). */
  line: number;
  text: string;
  /** Nothing but whitespace before it on its line. */
  ownLine: boolean;
}

const JS_DIRECTIVE = /^\s*(?:\/\/|\/\*+)\s*groundcheck-ignore-(line|next-line)\b([^*]*)/;
const PY_DIRECTIVE = /^#\s*groundcheck:\s*ignore(?:\[([^\]]*)\])?\s*$/;

function codesOf(list: string | undefined): ReadonlySet<string> | undefined {
  const codes = (list ?? '').split(/[\s,]+/).map((c) => c.trim()).filter(Boolean);
  return codes.length > 0 ? new Set(codes) : undefined;
}

/** `// groundcheck-ignore-line [codes]` and `// groundcheck-ignore-next-line [codes]` (or in a block comment). */
export function javascriptSuppressions(comments: Iterable<CommentText>): Suppression[] {
  const out: Suppression[] = [];
  for (const c of comments) {
    const m = JS_DIRECTIVE.exec(c.text);
    if (m) out.push({ line: m[1] === 'next-line' ? c.line + 1 : c.line, codes: codesOf(m[2]) });
  }
  return out;
}

/** `# groundcheck: ignore[codes]` at the end of a line, or alone on the line before. */
export function pythonSuppressions(comments: Iterable<CommentText>): Suppression[] {
  const out: Suppression[] = [];
  for (const c of comments) {
    const m = PY_DIRECTIVE.exec(c.text.trim());
    if (m) out.push({ line: c.ownLine ? c.line + 1 : c.line, codes: codesOf(m[1]) });
  }
  return out;
}

/** The findings no directive covers; `suppressed` counts the rest (for the summary). */
export function applySuppressions(findings: Finding[], suppressions: readonly Suppression[]): { findings: Finding[]; suppressed: number } {
  if (suppressions.length === 0) return { findings, suppressed: 0 };
  const kept = findings.filter((f) => !suppressions.some((s) => s.line === f.range.start.line && (!s.codes || s.codes.has(f.code))));
  return { findings: kept, suppressed: findings.length - kept.length };
}

/**
 * A document as the extractors take it, and JavaScript's extraction with its guards: all a parser
 * worker loads (extractWorker.ts), without the Markdown, YAML, TOML and tree-sitter parsers of
 * the other documents (a third of a second of every worker's start). The parser itself
 * (javascript.ts, which loads TypeScript) is loaded at the first parse: a CLI run whose parses all
 * come from the cache (extractionCache.ts) never loads it in its main thread.
 */
import type { Extraction, IncrementalParser } from './javascript';

export const JS_LANGUAGE_IDS = ['javascript', 'javascriptreact', 'typescript', 'typescriptreact'] as const;

/**
 * Files larger than this are not parsed (reported as skipped, never silently): a hand-written file is
 * far smaller, and parsing a generated one this size takes about a second.
 */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

export interface DocumentInput {
  /** Absolute file-system path (or a pseudo path for untitled documents). */
  path: string;
  languageId?: string;
  text: string;
}

export type ExtractOutcome =
  | ({ ok: true } & Extraction)
  | { ok: false; reason: string };

const JS_EXTENSIONS = /\.(?:[cm]?[jt]sx?)$/i;

export function isJavaScriptDocument(doc: { path: string; languageId?: string }): boolean {
  if (doc.languageId && (JS_LANGUAGE_IDS as readonly string[]).includes(doc.languageId)) return true;
  return JS_EXTENSIONS.test(doc.path);
}

/** Why a document of this many bytes (or characters) is not parsed. */
export function tooLargeReason(size: number): string {
  return `skipped: ${Math.round(size / 1024)} KiB is over the ${MAX_DOCUMENT_BYTES / 1024} KiB limit`;
}

/** Input that is not source text: too large to be hand-written, or binary. */
export function unreadableReason(text: string): string | undefined {
  if (text.length > MAX_DOCUMENT_BYTES) return tooLargeReason(text.length);
  if (text.slice(0, 8192).includes('\u0000')) return 'skipped: binary content';
  return undefined;
}

export function extractReferences(doc: DocumentInput, parser?: IncrementalParser): ExtractOutcome {
  if (!isJavaScriptDocument(doc)) return { ok: false, reason: 'not a JavaScript or TypeScript document' };
  const unreadable = unreadableReason(doc.text);
  if (unreadable) return { ok: false, reason: unreadable };
  const { extractJavaScript } = require('./javascript') as typeof import('./javascript');
  return { ok: true, ...extractJavaScript(doc.text, doc.path, doc.languageId, parser) };
}

/** Chooses an extractor for a document and guards against input that is not source code. */
import type { Reference } from '../model';
import { extractJavaScript, JS_LANGUAGE_IDS, type IncrementalParser } from './javascript';

/** Files larger than this are not parsed: they are generated or minified, and parsing would stall the editor. */
export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;

export interface DocumentInput {
  /** Absolute file-system path (or a pseudo path for untitled documents). */
  path: string;
  languageId?: string;
  text: string;
}

export type ExtractOutcome =
  | { ok: true; references: Reference[]; declaredModules: string[] }
  | { ok: false; reason: string };

const JS_EXTENSIONS = /\.(?:[cm]?[jt]sx?)$/i;

export function isSupportedDocument(doc: { path: string; languageId?: string }): boolean {
  if (doc.languageId && (JS_LANGUAGE_IDS as readonly string[]).includes(doc.languageId)) return true;
  return JS_EXTENSIONS.test(doc.path);
}

export function extractReferences(doc: DocumentInput, parser?: IncrementalParser): ExtractOutcome {
  if (!isSupportedDocument(doc)) return { ok: false, reason: 'not a JavaScript or TypeScript document' };
  if (doc.text.length > MAX_DOCUMENT_BYTES) {
    return { ok: false, reason: `skipped: ${Math.round(doc.text.length / 1024)} KiB is over the ${MAX_DOCUMENT_BYTES / 1024} KiB limit` };
  }
  if (doc.text.slice(0, 8192).includes('\u0000')) return { ok: false, reason: 'skipped: binary content' };
  return { ok: true, ...extractJavaScript(doc.text, doc.path, doc.languageId, parser) };
}

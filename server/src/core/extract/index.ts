/** Chooses an extractor for a document and guards against input that is not source code. */
import { isJavaScriptDocument } from './document';
import { pythonDocumentKind } from './pythonDocuments';
import { installDocumentKind } from './installCommandDocuments';
import { lockfileKind } from './lockfileEntries';

export { MAX_DOCUMENT_BYTES, isJavaScriptDocument, unreadableReason, extractReferences, type DocumentInput, type ExtractOutcome } from './document';

/** An npm manifest: checked for being readable (what it declares decides "undeclared"). */
export function isPackageManifest(doc: { path: string }): boolean {
  return /(?:^|[\\/])package\.json$/.test(doc.path);
}

/** JavaScript/TypeScript, package.json, Python and its dependency files, or a document with install commands. */
export function isSupportedDocument(doc: { path: string; languageId?: string }): boolean {
  return isJavaScriptDocument(doc) || isPackageManifest(doc) || pythonDocumentKind(doc.path, doc.languageId) !== undefined || installDocumentKind(doc.path, doc.languageId) !== undefined || lockfileKind(doc.path) !== undefined;
}


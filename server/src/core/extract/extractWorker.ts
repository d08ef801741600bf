/**
 * A worker thread of the extraction pool (extractPool.ts): parses JavaScript/TypeScript documents
 * with the TypeScript parser and hands back what extractReferences found (plain data; the tree
 * stays here). Nothing else runs in it.
 */
import { parentPort } from 'worker_threads';
import { extractReferences, type DocumentInput } from './document';
import { readSourceFile } from '../sourceFile';
import { UNCLAIMED, type ExtractRequest, type ExtractReply } from './extractPool';

// The parser (and TypeScript with it) loads now, while the main thread is still collecting the
// files: document.ts would load it only at the first parse, which is then a quarter-second later.
require('./javascript');

function failure(id: number, e: unknown): ExtractReply {
  const err = e as Error;
  return { id, error: { name: err?.name ?? 'Error', message: err?.message ?? String(e) } };
}

function parseDocument(id: number, doc: DocumentInput): ExtractReply {
  try {
    return { id, outcome: extractReferences(doc) };
  } catch (e) {
    return failure(id, e);
  }
}

function parseFile(id: number, file: string): ExtractReply {
  try {
    const read = readSourceFile(file);
    return 'text' in read ? { id, outcome: extractReferences({ path: file, text: read.text }), length: read.text.length } : { id, unread: true };
  } catch (e) {
    return failure(id, e);
  }
}

parentPort?.on('message', (request: ExtractRequest) => {
  if ('doc' in request) {
    parentPort!.postMessage(parseDocument(request.id, request.doc));
    return;
  }
  // Files read ahead: each one whose claim this worker wins (another worker, or the main thread
  // that needed it before any worker got to it, may have it already).
  const claims = new Int32Array(request.claims);
  for (let i = 0; i < request.files.length; i++) {
    if (Atomics.compareExchange(claims, i, UNCLAIMED, request.claimer) !== UNCLAIMED) continue;
    parentPort!.postMessage(parseFile(request.first + i, request.files[i]));
  }
});

/**
 * A worker thread of the extraction pool (extractPool.ts): parses JavaScript/TypeScript documents
 * with the TypeScript parser and hands back what extractReferences found (plain data; the tree
 * stays here). Nothing else runs in it.
 */
import { parentPort } from 'worker_threads';
import { extractReferences } from './document';
import { readSourceFile } from '../sourceFile';
import type { ExtractRequest, ExtractReply } from './extractPool';

parentPort?.on('message', (request: ExtractRequest) => {
  let reply: ExtractReply;
  try {
    if ('doc' in request) {
      reply = { id: request.id, outcome: extractReferences(request.doc) };
    } else {
      const read = readSourceFile(request.file);
      reply = 'text' in read ? { id: request.id, outcome: extractReferences({ path: request.file, text: read.text }), length: read.text.length } : { id: request.id, unread: true };
    }
  } catch (e) {
    const err = e as Error;
    reply = { id: request.id, error: { name: err?.name ?? 'Error', message: err?.message ?? String(e) } };
  }
  parentPort!.postMessage(reply);
});

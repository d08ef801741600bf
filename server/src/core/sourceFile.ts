/**
 * A checked file's text as the CLI and its parser workers read it from disk: size-limited and
 * decoded (BOMs, UTF-16), or why it is skipped (too large, binary) or could not be read at all.
 */
import * as fs from 'fs';
import { decodeText } from './decode';
import { MAX_DOCUMENT_BYTES, tooLargeReason } from './extract/document';

export type SourceRead = { text: string } | { skipped: string } | { failed: string };

export function readSourceFile(file: string): SourceRead {
  let bytes: Buffer;
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_DOCUMENT_BYTES) return { skipped: tooLargeReason(size) };
    bytes = fs.readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { failed: `cannot read it (${err.code ?? err.message})` };
  }
  const decoded = decodeText(bytes);
  return decoded.ok ? { text: decoded.text } : { skipped: `skipped: ${decoded.reason}` };
}

/**
 * Bytes from disk to text. Editors hand us decoded text; the CLI and manifest reads get bytes, and
 * not every tool writes UTF-8: PowerShell's `>` writes UTF-16 LE with a byte-order mark, Notepad
 * used to add a UTF-8 BOM (which `JSON.parse` rejects). Anything else with NUL bytes is binary.
 */

export type Decoded = { ok: true; text: string; encoding: 'utf-8' | 'utf-16le' | 'utf-16be' } | { ok: false; reason: string };

/** Decodes by byte-order mark, else by the shape of UTF-16 without one, else UTF-8. */
export function decodeText(bytes: Uint8Array): Decoded {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { ok: true, text: b.toString('utf8', 3), encoding: 'utf-8' };
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return { ok: true, text: b.toString('utf16le', 2), encoding: 'utf-16le' };
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return { ok: true, text: swapBytes(b.subarray(2)).toString('utf16le'), encoding: 'utf-16be' };
  const sniffed = sniffUtf16(b.subarray(0, 8192));
  if (sniffed === 'utf-16le') return { ok: true, text: b.toString('utf16le'), encoding: 'utf-16le' };
  if (sniffed === 'utf-16be') return { ok: true, text: swapBytes(b).toString('utf16le'), encoding: 'utf-16be' };
  if (b.subarray(0, 8192).includes(0)) return { ok: false, reason: 'binary content' };
  return { ok: true, text: b.toString('utf8'), encoding: 'utf-8' };
}

/** ASCII-range source in UTF-16 has a NUL in every other byte: on odd offsets (LE) or even ones (BE). */
function sniffUtf16(head: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  const pairs = Math.floor(head.length / 2);
  if (pairs < 2) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  if (oddNul > pairs * 0.9 && evenNul === 0) return 'utf-16le';
  if (evenNul > pairs * 0.9 && oddNul === 0) return 'utf-16be';
  return undefined;
}

function swapBytes(b: Buffer): Buffer {
  const copy = Buffer.from(b.subarray(0, b.length - (b.length % 2)));
  return copy.swap16();
}

/**
 * The core's FileSystem over a plain object of files, for tests of pure logic (resolvers, project
 * models, caches) without temp folders: `memoryFileSystem({ '/w/package.json': '{}' })`.
 * Folders exist when some file is below them.
 */
import * as path from 'path';
import { globOverListings, type FileEntry, type StorageFileSystem } from '../../server/src/core/io';

export interface MemoryFileSystem extends StorageFileSystem {
  /** Every path read, in order (to assert what a component looked at). */
  readonly reads: string[];
  files(): Record<string, string>;
}

export function memoryFileSystem(initial: Record<string, string | Uint8Array>): MemoryFileSystem {
  const files = new Map<string, Uint8Array>();
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  for (const [p, data] of Object.entries(initial)) files.set(path.resolve(p), typeof data === 'string' ? enc.encode(data) : data);
  const reads: string[] = [];
  const isDir = (p: string) => {
    const prefix = path.resolve(p) + path.sep;
    for (const f of files.keys()) if (f.startsWith(prefix)) return true;
    return false;
  };
  const notFound = (p: string) => Object.assign(new Error(`ENOENT: no such file, '${p}'`), { code: 'ENOENT' });
  const bytes = (p: string): Uint8Array => {
    reads.push(path.resolve(p));
    const b = files.get(path.resolve(p));
    if (!b) throw notFound(p);
    return b;
  };
  const entries = (p: string): FileEntry[] => {
    const prefix = path.resolve(p) + path.sep;
    const out = new Map<string, FileEntry>();
    for (const f of files.keys()) {
      if (!f.startsWith(prefix)) continue;
      const rest = f.slice(prefix.length).split(path.sep);
      const name = rest[0];
      if (!out.has(name)) out.set(name, { name, isDirectory: rest.length > 1, isFile: rest.length === 1 });
    }
    return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  };
  return {
    reads,
    files: () => Object.fromEntries([...files].map(([p, b]) => [p, dec.decode(b)])),
    readFile(p) {
      try {
        return dec.decode(bytes(p));
      } catch {
        return undefined;
      }
    },
    exists: (p) => files.has(path.resolve(p)) || isDir(p),
    isDirectory: (p) => isDir(p),
    readDir: (p) => entries(p).map((e) => e.name),
    glob: (root, include, ignore) => globOverListings(root, include, ignore, entries),
    readDirEntries: entries,
    readBytes: bytes,
    readBytesAsync: async (p) => bytes(p),
    readTextAsync: async (p) => dec.decode(bytes(p)),
    writeFile: (p, data) => void files.set(path.resolve(p), typeof data === 'string' ? enc.encode(data) : data),
    appendFile(p, data) {
      const old = files.get(path.resolve(p)) ?? new Uint8Array();
      files.set(path.resolve(p), enc.encode(dec.decode(old) + data));
    },
    mkdir: () => undefined, // folders are implied by the files below them
    rename(from, to) {
      const b = files.get(path.resolve(from));
      if (!b) throw notFound(from);
      files.delete(path.resolve(from));
      files.set(path.resolve(to), b);
    },
    remove(p) {
      const target = path.resolve(p);
      for (const f of [...files.keys()]) if (f === target || f.startsWith(target + path.sep)) files.delete(f);
    },
    copyDir(from, to) {
      const src = path.resolve(from) + path.sep;
      for (const [f, b] of [...files]) if (f.startsWith(src)) files.set(path.join(path.resolve(to), f.slice(src.length)), b);
    },
    realpath: (p) => path.resolve(p),
  };
}

/**
 * Small I/O seams so the core can be driven by the language server, the CLI and tests alike.
 */
import * as fs from 'fs';
import * as path from 'path';
import { decodeText } from './decode';

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

export const silentLogger: Logger = { error() {}, warn() {}, info() {}, debug() {} };

/** A logger writing to stderr: the standalone server's stdout carries JSON-RPC. */
export function stderrLogger(verbose = false): Logger {
  const write = (level: string) => (m: string) => process.stderr.write(`[groundcheck ${level}] ${m}\n`);
  return { error: write('error'), warn: write('warn'), info: write('info'), debug: verbose ? write('debug') : () => {} };
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The file reads the resolver needs; synchronous because they are tiny and cached. */
export interface FileSystem {
  readFile(path: string): string | undefined;
  exists(path: string): boolean;
  isDirectory(path: string): boolean;
  readDir(path: string): string[];
}

export const nodeFileSystem: FileSystem = {
  readFile(p) {
    try {
      const bytes = fs.readFileSync(p);
      const decoded = decodeText(bytes);
      // Binary content is returned as it is: whoever parses it reports it unreadable.
      return decoded.ok ? decoded.text : bytes.toString('latin1');
    } catch {
      return undefined; // absent or unreadable: the caller treats both as "not there"
    }
  },
  exists(p) {
    return fs.existsSync(p);
  },
  isDirectory(p) {
    try {
      return fs.statSync(p).isDirectory();
    } catch {
      return false;
    }
  },
  readDir(p) {
    try {
      return fs.readdirSync(p);
    } catch {
      return [];
    }
  },
};

/** Cooperative cancellation, structurally compatible with the LSP CancellationToken. */
export interface CancellationToken {
  readonly isCancellationRequested: boolean;
}

export const neverCancelled: CancellationToken = { isCancellationRequested: false };

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

/** A folder and every folder above it, nearest first, ending at the filesystem root. */
export function* ancestors(from: string): Generator<string> {
  for (let dir = from; ; dir = path.dirname(dir)) {
    yield dir;
    if (path.dirname(dir) === dir) return;
  }
}

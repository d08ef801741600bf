/** Node.js core modules, with and without the `node:` prefix. */
import { builtinModules } from 'module';

/**
 * Modules that exist only with the `node:` prefix, and core modules newer than the Node that runs
 * the server (the project may target a newer Node than the editor's extension host).
 */
const PREFIX_ONLY = ['test', 'test/reporters', 'sqlite', 'sea', 'test/mock_loader'];
const NEWER_THAN_RUNTIME = ['fs/promises', 'stream/promises', 'stream/web', 'stream/consumers', 'timers/promises', 'util/types', 'path/posix', 'path/win32', 'dns/promises', 'readline/promises', 'assert/strict', 'diagnostics_channel', 'inspector/promises', 'wasi', 'trace_events'];

const BARE = new Set<string>([...builtinModules.filter((m) => !m.startsWith('_')), ...NEWER_THAN_RUNTIME]);

export function isNodeBuiltin(specifier: string): boolean {
  if (specifier.startsWith('node:')) {
    const rest = specifier.slice(5);
    return BARE.has(rest) || PREFIX_ONLY.includes(rest) || builtinModules.includes(rest);
  }
  return BARE.has(specifier);
}

/** Every builtin specifier, bare and `node:`-prefixed. */
export function nodeBuiltinNames(): string[] {
  return [...BARE, ...PREFIX_ONLY.map((m) => `node:${m}`), ...[...BARE].map((m) => `node:${m}`)];
}

/**
 * Every file whose change alters what the checks know. Most come from the resolver plug-ins of both
 * languages (each declares the files it reads); the rest are read by the project model and the
 * registry clients around them. The language server registers watchers for exactly these, so any
 * LSP client gets invalidation, not only VS Code.
 */
import { DEFAULT_RESOLVERS } from './resolve/resolvers';
import { PYTHON_RESOLVER_FILES } from './resolve/python/resolvers';

/** Read outside the resolver chains: project settings, registry configuration, lockfiles (the version checked), environments. */
const PROJECT_FILES: readonly string[] = [
  '**/{groundcheck.json,package.json,.npmrc,pip.conf}',
  '**/{package-lock.json,npm-shrinkwrap.json,yarn.lock,pnpm-lock.yaml,bun.lock,bun.lockb,uv.lock,poetry.lock}',
];

export const WATCHED_FILE_GLOBS: readonly string[] = [
  ...new Set([...PROJECT_FILES, ...DEFAULT_RESOLVERS.flatMap((r) => r.reads ?? []), ...PYTHON_RESOLVER_FILES]),
];

/**
 * npm configuration as npm itself layers it: built-in default < global npmrc < user ~/.npmrc <
 * project .npmrc < npm_config_* environment. The flattened keys (`registry`, `@scope:registry`,
 * `//host/:_authToken`) are exactly what pacote / npm-registry-fetch take as options.
 */
import * as os from 'os';
import * as path from 'path';
import * as ini from 'ini';
import { ancestors, type FileSystem } from '../io';

export const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';

export interface NpmConfig {
  /** Flattened key/value options for pacote. */
  options: Record<string, string>;
  /** Files read, lowest precedence first (for the log; never their contents). */
  sources: string[];
}

export interface NpmConfigInput {
  fs: FileSystem;
  env: NodeJS.ProcessEnv;
  /** Directory of the project (where its .npmrc would be); undefined for none. */
  projectDir?: string;
  /** In an untrusted workspace the project's .npmrc is ignored: it could point at any host. */
  trusted: boolean;
  homeDir?: string;
}

/** Replaces `${VAR}` (and `${VAR?}`) with environment values, as npm does. */
function expandEnv(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/\$\{([^${}?]+)(\?)?\}/g, (whole, name: string, optional?: string) => {
    const v = env[name];
    return v !== undefined ? v : optional ? '' : whole;
  });
}

function readNpmrc(fs: FileSystem, file: string, env: NodeJS.ProcessEnv): Record<string, string> | undefined {
  const text = fs.readFile(file);
  if (text === undefined) return undefined;
  const parsed = ini.parse(text) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') {
      out[expandEnv(key, env)] = expandEnv(String(value), env);
    }
  }
  return out;
}

/** Finds the project .npmrc: npm reads the one at the project root, the nearest with a package.json. */
export function findProjectNpmrc(fs: FileSystem, fromDir: string): string | undefined {
  for (const dir of ancestors(fromDir)) if (fs.exists(path.join(dir, '.npmrc'))) return path.join(dir, '.npmrc');
  return undefined;
}

export function loadNpmConfig(input: NpmConfigInput): NpmConfig {
  const { fs, env } = input;
  const home = input.homeDir ?? os.homedir();
  const options: Record<string, string> = { registry: DEFAULT_REGISTRY };
  const sources: string[] = [];
  const layer = (file: string | undefined) => {
    if (!file) return;
    const values = readNpmrc(fs, file, env);
    if (values) {
      Object.assign(options, values);
      sources.push(file);
    }
  };
  const prefix = env.npm_config_prefix ?? env.PREFIX ?? path.dirname(path.dirname(process.execPath));
  layer(env.npm_config_globalconfig ?? env.NPM_CONFIG_GLOBALCONFIG ?? path.join(prefix, 'etc', 'npmrc'));
  layer(env.npm_config_userconfig ?? env.NPM_CONFIG_USERCONFIG ?? path.join(home, '.npmrc'));
  if (input.trusted && input.projectDir) layer(findProjectNpmrc(fs, input.projectDir));
  for (const [key, value] of Object.entries(env)) {
    const m = /^npm_config_(.+)$/i.exec(key);
    if (!m || value === undefined) continue;
    const name = m[1].toLowerCase();
    // Only registry settings matter here; npm sets many unrelated npm_config_* for scripts.
    if (name === 'registry' || name.endsWith(':registry')) options[name.replace(/_/g, '-')] = value;
  }
  options.registry = withSlash(options.registry);
  for (const key of Object.keys(options)) if (key.endsWith(':registry')) options[key] = withSlash(options[key]);
  return { options, sources };
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : url + '/';
}

/** The registry npm would ask for a name: its scope's registry line, else the default. */
export function registryFor(config: NpmConfig, name: string): { url: string; scoped: boolean } {
  if (name.startsWith('@')) {
    const scoped = config.options[`${name.split('/')[0]}:registry`];
    if (scoped) return { url: scoped, scoped: true };
  }
  return { url: config.options.registry ?? DEFAULT_REGISTRY, scoped: false };
}

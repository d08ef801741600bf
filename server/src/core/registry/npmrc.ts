/**
 * npm configuration as npm itself layers it: built-in default < global npmrc < user ~/.npmrc <
 * project .npmrc < npm_config_* environment. The flattened keys (`registry`, `@scope:registry`,
 * `//host/:_authToken`) are exactly what pacote / npm-registry-fetch take as options.
 *
 * Trust: the project's .npmrc is content of the repository being checked, which may be a pull
 * request from anyone. Unless the user trusts it, only its registry lines are taken (a scope may be
 * mapped to a registry, so names go where the project publishes them), without `${VAR}` expansion;
 * its credentials, proxies, certificates and every other key are dropped. So nothing in a checked
 * repository can make Groundcheck send a credential to a host the user's own configuration does not
 * name. See README, "What is sent where".
 */
import * as os from 'os';
import * as path from 'path';
import * as ini from 'ini';
import type { FileSystem } from '../io';
import { matchesAny, scopeOf } from '../resolve/specifier';

export const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';

export interface NpmConfig {
  /** Flattened key/value options for pacote. */
  options: Record<string, string>;
  /** Files read, lowest precedence first (for the log; never their contents). */
  sources: string[];
  /**
   * Scopes whose names never go to the default registry: the `privateScopes` setting, every scope
   * with a registry line of its own, and `*` (every scope) when the setting could not be read.
   */
  privateScopes: string[];
  /**
   * Registry prefixes (`//host/path/`) whose credentials the project's .npmrc held and that were not
   * used (untrusted): a refusal or a 404 from there means "could not ask", never "does not exist".
   */
  withheldCredentials: string[];
  /** Keys of the project's .npmrc that were not used because it is not trusted (for the log). */
  ignoredProjectKeys: string[];
}

export interface NpmConfigInput {
  fs: FileSystem;
  env: NodeJS.ProcessEnv;
  /**
   * The project root: the folder of the nearest package.json (npm's local prefix). Its .npmrc is
   * the project's; folders above it are never read. Undefined for none.
   */
  projectDir?: string;
  /** The workspace (monorepo) root above projectDir, whose .npmrc npm uses for its members. */
  workspaceRoot?: string;
  /** Whether the project's .npmrc may supply credentials and `${VAR}` expansion (see the header). */
  trusted: boolean;
  homeDir?: string;
  /** The `privateScopes` setting; `['*']` fails closed when the setting was invalid. */
  privateScopes?: readonly string[];
}

/** Replaces `${VAR}` (and `${VAR?}`) with environment values, as npm does. */
function expandEnv(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/\$\{([^${}?]+)(\?)?\}/g, (whole, name: string, optional?: string) => {
    const v = env[name];
    return v !== undefined ? v : optional ? '' : whole;
  });
}

function parseNpmrc(text: string): Record<string, string> {
  const parsed = ini.parse(text) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') out[key] = String(value);
  }
  return out;
}

function readNpmrc(fs: FileSystem, file: string, env: NodeJS.ProcessEnv): Record<string, string> | undefined {
  const text = fs.readFile(file);
  if (text === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parseNpmrc(text))) out[expandEnv(key, env)] = expandEnv(value, env);
  return out;
}

const REGISTRY_KEY = /^(?:registry|@[^:/\s]+:registry)$/;
const CREDENTIAL_KEY = /^(\/\/.*?):?(?:_authToken|_auth|_password|username|certfile|keyfile)$/;

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
  } catch {
    return false;
  }
}

/**
 * The project's .npmrc as an untrusted source: registry lines only, literal http(s) URLs without
 * user info or `${VAR}` (a URL could carry an expanded secret to its host just as a header would).
 */
function untrustedLayer(values: Record<string, string>): { kept: Record<string, string>; ignored: string[]; withheld: string[] } {
  const kept: Record<string, string> = {};
  const ignored: string[] = [];
  const withheld: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (REGISTRY_KEY.test(key) && !value.includes('${') && isHttpUrl(value)) {
      kept[key] = value;
      continue;
    }
    ignored.push(key);
    const credential = CREDENTIAL_KEY.exec(key);
    if (credential) withheld.push(withSlash(credential[1]));
  }
  return { kept, ignored, withheld };
}

/**
 * The project's .npmrc, where npm reads it: at the project root, else at the workspace root that
 * holds the project. Never above: a folder above the project is not the project's to configure.
 */
export function findProjectNpmrc(fs: FileSystem, projectDir: string, workspaceRoot?: string): string | undefined {
  for (const dir of [projectDir, workspaceRoot]) {
    if (dir && fs.exists(path.join(dir, '.npmrc'))) return path.join(dir, '.npmrc');
  }
  return undefined;
}

export function loadNpmConfig(input: NpmConfigInput): NpmConfig {
  const { fs, env } = input;
  const home = input.homeDir ?? os.homedir();
  const options: Record<string, string> = { registry: DEFAULT_REGISTRY };
  const sources: string[] = [];
  let withheld: string[] = [];
  let ignoredProjectKeys: string[] = [];
  /** Keys the user's own (global and user) configuration sets. */
  const configured = new Set<string>();
  const layer = (file: string | undefined, own: boolean) => {
    if (!file) return;
    const values = readNpmrc(fs, file, env);
    if (values) {
      Object.assign(options, values);
      if (own) for (const key of Object.keys(values)) configured.add(key);
      sources.push(file);
    }
  };
  const prefix = env.npm_config_prefix ?? env.PREFIX ?? path.dirname(path.dirname(process.execPath));
  layer(env.npm_config_globalconfig ?? env.NPM_CONFIG_GLOBALCONFIG ?? path.join(prefix, 'etc', 'npmrc'), true);
  layer(env.npm_config_userconfig ?? env.NPM_CONFIG_USERCONFIG ?? path.join(home, '.npmrc'), true);
  const projectFile = input.projectDir ? findProjectNpmrc(fs, input.projectDir, input.workspaceRoot) : undefined;
  if (projectFile && input.trusted) layer(projectFile, false);
  else if (projectFile) {
    const text = fs.readFile(projectFile);
    if (text !== undefined) {
      const { kept, ignored, withheld: w } = untrustedLayer(parseNpmrc(text));
      // Nor may it re-route what your own configuration routes: where you send a scope (with its
      // credentials) stays where you send it, whatever a pull request's .npmrc says.
      for (const [key, value] of Object.entries(kept)) if (!configured.has(key)) options[key] = value;
      sources.push(`${projectFile} (registry lines only: untrusted)`);
      ignoredProjectKeys = ignored;
      withheld = w;
    }
  }
  for (const [key, value] of Object.entries(env)) {
    const m = /^npm_config_(.+)$/i.exec(key);
    if (!m || value === undefined) continue;
    const name = m[1].toLowerCase();
    // Only registry settings matter here; npm sets many unrelated npm_config_* for scripts.
    if (name === 'registry' || name.endsWith(':registry')) options[name.replace(/_/g, '-')] = value;
  }
  options.registry = withSlash(options.registry);
  const scopesWithRegistry: string[] = [];
  for (const key of Object.keys(options)) {
    if (!key.endsWith(':registry')) continue;
    options[key] = withSlash(options[key]);
    scopesWithRegistry.push(key.slice(0, -':registry'.length));
  }
  const privateScopes = [...new Set([...(input.privateScopes ?? []), ...scopesWithRegistry])];
  // Credentials the user's own configuration gives for the same host are not withheld.
  const withheldCredentials = [...new Set(withheld)].filter((prefix) => !Object.keys(options).some((k) => k.startsWith(prefix) && CREDENTIAL_KEY.test(k)));
  return { options, sources, privateScopes, withheldCredentials, ignoredProjectKeys };
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : url + '/';
}

/** The registry npm would ask for a name: its scope's registry line, else the default. */
export function registryFor(config: Pick<NpmConfig, 'options'>, name: string): { url: string; scoped: boolean } {
  if (name.startsWith('@')) {
    const scoped = config.options[`${name.split('/')[0]}:registry`];
    if (scoped) return { url: scoped, scoped: true };
  }
  return { url: config.options.registry ?? DEFAULT_REGISTRY, scoped: false };
}

/**
 * The scope a name speaks of: its own, or for DefinitelyTyped's mangled names the scope of the
 * package it types (`@types/acme__secret` speaks of `@acme`).
 */
export function privateScopeOf(name: string): string | undefined {
  const m = /^@types\/([^_/][^/]*?)__/.exec(name);
  return m ? `@${m[1]}` : scopeOf(name);
}

/**
 * The private-scope policy, in one place, for every request that carries a package name (packument,
 * tarball, versions, `@types` fallbacks): a name of a private scope goes only to that scope's own
 * registry. Returns why a request is refused, or undefined when it may be sent.
 */
export function refusedByPrivateScope(config: NpmConfig, name: string): string | undefined {
  const scope = privateScopeOf(name);
  if (!scope || !matchesAny(scope, config.privateScopes)) return undefined;
  const own = config.options[`${scope}:registry`];
  if (own && registryFor(config, name).url === own) return undefined;
  return own
    ? `${name} is not sent to ${registryFor(config, name).url}: ${scope} is private (its registry is ${own})`
    : `${name} is not looked up: ${scope} is a private scope with no registry of its own`;
}

/** Whether the project's .npmrc held credentials for this registry that were not used (untrusted). */
export function credentialsWithheld(config: NpmConfig, registryUrl: string): boolean {
  if (config.withheldCredentials.length === 0) return false;
  let u: URL;
  try {
    u = new URL(registryUrl);
  } catch {
    return false;
  }
  const key = `//${u.host}${u.pathname}`;
  return config.withheldCredentials.some((prefix) => key.startsWith(prefix) || prefix.startsWith(key));
}

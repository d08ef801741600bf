/**
 * Which package index pip would use: the editor setting, else PIP_INDEX_URL / PIP_EXTRA_INDEX_URL,
 * else pip.conf / pip.ini (global, user, then the environment's own), else PyPI.
 */
import * as os from 'os';
import * as path from 'path';
import type { FileSystem } from '../io';

export const DEFAULT_INDEX = 'https://pypi.org/simple/';

export interface PypiConfig {
  indexUrl: string;
  extraIndexUrls: string[];
  /** Files read, lowest precedence first. */
  sources: string[];
}

export interface PipConfigInput {
  fs: FileSystem;
  env: NodeJS.ProcessEnv;
  homeDir?: string;
  /** The project's virtual environment (its pip.conf applies); ignored when untrusted. */
  environmentDir?: string;
  trusted: boolean;
  /** `groundcheck.python.indexUrl`, when set. */
  settingIndexUrl?: string;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : url + '/';
}

/** pip.conf is INI with `key = value` and indented continuation lines for lists. */
function readPipConf(fs: FileSystem, file: string): { index?: string; extra: string[] } | undefined {
  const text = fs.readFile(file);
  if (text === undefined) return undefined;
  let section = '';
  let key = '';
  const values: Record<string, string[]> = {};
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (/^\s*[#;]/.test(line) || !line.trim()) continue;
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) {
      section = header[1].trim();
      key = '';
      continue;
    }
    if (section !== 'global' && section !== 'install') continue;
    const kv = /^([\w-]+)\s*[=:]\s*(.*)$/.exec(line);
    if (kv && !/^\s/.test(line)) {
      key = kv[1];
      values[key] = kv[2].trim() ? kv[2].trim().split(/\s+/) : [];
    } else if (key && /^\s/.test(line)) values[key].push(...line.trim().split(/\s+/));
  }
  return { index: values['index-url']?.[0], extra: values['extra-index-url'] ?? [] };
}

export function loadPipConfig(input: PipConfigInput): PypiConfig {
  const home = input.homeDir ?? os.homedir();
  const files = [
    '/etc/pip.conf',
    '/etc/xdg/pip/pip.conf',
    input.env.APPDATA ? path.join(input.env.APPDATA, 'pip', 'pip.ini') : undefined,
    path.join(home, '.pip', 'pip.conf'),
    path.join(input.env.XDG_CONFIG_HOME || path.join(home, '.config'), 'pip', 'pip.conf'),
    input.env.PIP_CONFIG_FILE,
    input.trusted && input.environmentDir ? path.join(input.environmentDir, 'pip.conf') : undefined,
  ].filter((f): f is string => !!f);
  let indexUrl = DEFAULT_INDEX;
  let extra: string[] = [];
  const sources: string[] = [];
  // pip's rule: PIP_CONFIG_FILE set to the null device disables every configuration file.
  const noFiles = input.env.PIP_CONFIG_FILE === '/dev/null' || input.env.PIP_CONFIG_FILE === 'nul' || input.env.PIP_CONFIG_FILE === 'NUL';
  for (const file of noFiles ? [] : files) {
    const conf = readPipConf(input.fs, file);
    if (!conf) continue;
    sources.push(file);
    if (conf.index) indexUrl = conf.index;
    if (conf.extra.length) extra = conf.extra;
  }
  if (input.env.PIP_INDEX_URL) indexUrl = input.env.PIP_INDEX_URL;
  if (input.env.PIP_EXTRA_INDEX_URL) extra = input.env.PIP_EXTRA_INDEX_URL.split(/\s+/).filter(Boolean);
  if (input.settingIndexUrl) indexUrl = input.settingIndexUrl;
  return { indexUrl: withSlash(indexUrl), extraIndexUrls: extra.map(withSlash), sources };
}

/** The cache and back-off key: every index asked, in order. */
export function pypiEndpoint(config: PypiConfig): { url: string; scoped: boolean } {
  return { url: [config.indexUrl, ...config.extraIndexUrls].join(' '), scoped: false };
}

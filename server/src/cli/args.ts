/** Command-line arguments of `groundcheck check`; a usage error is a thrown UsageError (exit 2). */
import type { FailOn } from '../core/config/projectConfig';

export type OutputFormat = 'text' | 'json' | 'sarif';

export interface CliOptions {
  command: 'check' | 'sbom' | 'help' | 'version';
  paths: string[];
  format: OutputFormat;
  failOn?: FailOn;
  offline: boolean;
  registry?: string;
  indexUrl?: string;
  jobs: number;
  cacheDir?: string;
  noCache: boolean;
  changed?: string;
  output?: string;
  color?: boolean;
  /** Use the credentials (and `${VAR}` expansion) of the checked project's .npmrc. */
  trustProjectConfig: boolean;
  /** Exit 1 when any reference could not be verified. */
  failOnUnverified: boolean;
  /** Seconds for the whole run; what is not verified by then is reported unverified. */
  deadlineSeconds: number;
}

export class UsageError extends Error {}

export const USAGE = `Usage: groundcheck check [paths...] [options]
       groundcheck sbom [project folder] [-o bom.json] [options]

Checks JavaScript, TypeScript and Python files, package manifests and requirement files for
packages, versions and exported names that do not exist. \`sbom\` writes a CycloneDX 1.6 JSON bill
of materials of the project's locked (else declared) npm and Python dependencies, each with its
registry, version, integrity and verdict (verified, suspicious, unverified, not-published, tampered).

Options:
  --format text|json|sarif    output format (default: text)
  --fail-on error|warning|never
                              exit 1 when a finding at or above this severity is reported
                              (default: failOn in groundcheck.json, else error)
  --changed <git-ref>         only report findings on lines added or changed since <git-ref>
  --offline                   never contact a registry (unknown names are "unverified")
  --registry <url>            the default npm registry (scoped registries still come from .npmrc)
  --index-url <url>           the Python package index (Simple API; default: pip's configuration, else PyPI)
  --trust-project-config      use the credentials and \${VAR} expansion of the checked project's
                              .npmrc and its environment's pip.conf (also GROUNDCHECK_TRUST_PROJECT=1);
                              without it only their registry lines are used
  --fail-on-unverified        exit 1 when any reference could not be verified
  --deadline <seconds>        bound for the whole run; lookups not answered by then are
                              "unverified" (default: 120)
  --jobs <n>                  files and registry lookups in parallel (default: 8)
  --cache-dir <dir>           registry cache directory (default: $XDG_CACHE_HOME/groundcheck)
  --no-cache                  do not read or write the disk cache
  -o, --output <file>         write the report to <file> (atomically) instead of stdout
  --color, --no-color         force colours on or off (default: on for a terminal)
  -h, --help                  show this help
  -v, --version               show the version

Exit codes: 0 no findings at or above --fail-on, 1 findings at or above it (or, with
--fail-on-unverified, a reference that could not be verified), 2 usage or configuration error.`;

const FORMATS = ['text', 'json', 'sarif'];
const FAIL_ON = ['error', 'warning', 'never'];

export function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = { command: 'check', paths: [], format: 'text', offline: false, jobs: 8, noCache: false, trustProjectConfig: false, failOnUnverified: false, deadlineSeconds: 120 };
  const args = [...argv];
  if (args[0] === 'check') args.shift();
  else if (args[0] === 'sbom') {
    args.shift();
    o.command = 'sbom';
  } else if (args[0] === 'help' || args.length === 0) return { ...o, command: 'help' };
  else if (args[0] && !args[0].startsWith('-')) throw new UsageError(`unknown command "${args[0]}" (did you mean "groundcheck check ${args[0]}"?)`);

  const value = (flag: string, inline: string | undefined): string => {
    const v = inline ?? args.shift();
    if (v === undefined || (inline === undefined && v.startsWith('-'))) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  while (args.length > 0) {
    const arg = args.shift()!;
    if (!arg.startsWith('-') || arg === '-') {
      o.paths.push(arg);
      continue;
    }
    if (arg === '--') {
      o.paths.push(...args.splice(0));
      break;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    switch (flag) {
      case '--format': {
        const v = value(flag, inline);
        if (!FORMATS.includes(v)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${v}"`);
        o.format = v as OutputFormat;
        break;
      }
      case '--fail-on': {
        const v = value(flag, inline);
        if (!FAIL_ON.includes(v)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}, not "${v}"`);
        o.failOn = v as FailOn;
        break;
      }
      case '--changed':
        o.changed = value(flag, inline);
        break;
      case '--offline':
        o.offline = true;
        break;
      case '--registry':
      case '--index-url': {
        const v = value(flag, inline);
        try {
          const u = new URL(v);
          if (u.protocol !== 'http:' && u.protocol !== 'https:' && !(flag === '--index-url' && u.protocol === 'file:')) throw new Error();
        } catch {
          throw new UsageError(`${flag} must be an http(s) URL${flag === '--index-url' ? ' or a file: URL' : ''}, not "${v}"`);
        }
        if (flag === '--registry') o.registry = v;
        else o.indexUrl = v;
        break;
      }
      case '--jobs': {
        const v = Number(value(flag, inline));
        if (!Number.isInteger(v) || v < 1 || v > 64) throw new UsageError('--jobs must be a whole number from 1 to 64');
        o.jobs = v;
        break;
      }
      case '--trust-project-config':
        o.trustProjectConfig = true;
        break;
      case '--fail-on-unverified':
        o.failOnUnverified = true;
        break;
      case '--deadline': {
        const v = Number(value(flag, inline));
        if (!Number.isFinite(v) || v <= 0 || v > 86_400) throw new UsageError('--deadline must be a number of seconds from 1 to 86400');
        o.deadlineSeconds = v;
        break;
      }
      case '--cache-dir':
        o.cacheDir = value(flag, inline);
        break;
      case '--no-cache':
        o.noCache = true;
        break;
      case '-o':
      case '--output':
        o.output = value(flag, inline);
        break;
      case '--color':
        o.color = true;
        break;
      case '--no-color':
        o.color = false;
        break;
      case '-h':
      case '--help':
        return { ...o, command: 'help' };
      case '-v':
      case '--version':
        return { ...o, command: 'version' };
      default:
        throw new UsageError(`unknown option ${flag}`);
    }
  }
  if (o.paths.length === 0) o.paths.push('.');
  return o;
}

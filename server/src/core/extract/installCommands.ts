/**
 * Which package names an install command names: `npm i -D a b@2`, `npx create-x`, `yarn add`,
 * `yarn dlx`, `pnpm add|dlx`, `bun add`, `bunx`, `pip`/`pip3`/`python -m pip install`, `uv add`,
 * `uv pip install`, `poetry add`, `pipx install|run`. Works on the words of one command as a shell
 * parser split them (shellCommands.ts), never on raw text. Options, paths, URLs, `-r file` and
 * words with expansions are skipped; version specs and extras are split off the name.
 */
import { normalizePythonName, parsePep508 } from './requirements';

export interface Word {
  /** The word's value after quote removal; undefined when it has an expansion (`$X`, `$(…)`). */
  text: string | undefined;
  /** Offset of the word's first character in the document, and its length there. */
  offset: number;
  length: number;
}

export interface InstallName {
  ecosystem: 'npm' | 'pypi';
  /** The package name as written (no version, no extras). */
  name: string;
  /** Version or range as written (`^2`, `==1.0`), '' when none. */
  spec: string;
  /** The command it came from (`npm install`), for messages. */
  command: string;
  /** Where the name is in the document. */
  offset: number;
  length: number;
}

/** Options that take a value as the next word (so that word is not a package). */
const NPM_VALUE_OPTIONS = new Set(['--registry', '--prefix', '-C', '--cwd', '--tag', '--workspace', '-w', '--filter', '-F', '--userconfig', '--cache', '--otp', '--package', '-p', '--dir']);
const PIP_VALUE_OPTIONS = new Set(['--keyring-provider', '--config-settings', '-C', '--global-option', '--no-binary', '--only-binary', '--report', '--exists-action', '--use-feature', '--use-deprecated', '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '-t', '--target', '--prefix', '--root', '--python', '-p', '--platform', '--python-version', '--implementation', '--abi', '--trusted-host', '--cert', '--client-cert', '--cache-dir', '--src', '--log', '--proxy', '--timeout', '--retries', '--progress-bar', '--upgrade-strategy', '--group', '-G', '--extra', '--optional', '--source', '--index', '--default-index', '--with', '--spec', '--suffix', '--python-preference']);

/** Where the names start for each command shape: the words before them, in order. */
const SHAPES: { ecosystem: 'npm' | 'pypi'; words: string[] }[] = [
  { ecosystem: 'npm', words: ['npm', 'install'] },
  { ecosystem: 'npm', words: ['npm', 'i'] },
  { ecosystem: 'npm', words: ['npm', 'add'] },
  { ecosystem: 'npm', words: ['npm', 'exec'] },
  { ecosystem: 'npm', words: ['npx'] },
  { ecosystem: 'npm', words: ['yarn', 'add'] },
  { ecosystem: 'npm', words: ['yarn', 'global', 'add'] },
  { ecosystem: 'npm', words: ['yarn', 'dlx'] },
  { ecosystem: 'npm', words: ['pnpm', 'add'] },
  { ecosystem: 'npm', words: ['pnpm', 'install'] },
  { ecosystem: 'npm', words: ['pnpm', 'i'] },
  { ecosystem: 'npm', words: ['pnpm', 'dlx'] },
  { ecosystem: 'npm', words: ['pnpx'] },
  { ecosystem: 'npm', words: ['bun', 'add'] },
  { ecosystem: 'npm', words: ['bun', 'install'] },
  { ecosystem: 'npm', words: ['bun', 'i'] },
  { ecosystem: 'npm', words: ['bunx'] },
  { ecosystem: 'pypi', words: ['pip', 'install'] },
  { ecosystem: 'pypi', words: ['pip3', 'install'] },
  { ecosystem: 'pypi', words: ['python', '-m', 'pip', 'install'] },
  { ecosystem: 'pypi', words: ['python3', '-m', 'pip', 'install'] },
  { ecosystem: 'pypi', words: ['uv', 'add'] },
  { ecosystem: 'pypi', words: ['uv', 'pip', 'install'] },
  { ecosystem: 'pypi', words: ['uv', 'tool', 'install'] },
  { ecosystem: 'pypi', words: ['uvx'] },
  { ecosystem: 'pypi', words: ['poetry', 'add'] },
  { ecosystem: 'pypi', words: ['pipx', 'install'] },
  { ecosystem: 'pypi', words: ['pipx', 'run'] },
];

/** Commands that run one package (its name), then pass the rest to it. */
const RUNS_ONE = new Set(['npx', 'npm exec', 'yarn dlx', 'pnpm dlx', 'pnpx', 'bunx', 'uvx', 'pipx run']);

/** `sudo`, `env X=1`, `time` and the like before the command itself. */
const PREFIXES = new Set(['sudo', 'time', 'nice', 'command', 'exec']);

function npmName(word: string): { name: string; spec: string } | undefined {
  if (/^(\.{0,2}\/|~|[a-zA-Z]:\\|file:|link:|git[+:]|https?:|github:|workspace:)/.test(word) || word.endsWith('.tgz')) return undefined;
  // alias@npm:real@1 -> real
  const alias = /^(?:@[^/@]+\/)?[^@]+@npm:(.+)$/.exec(word);
  const spec = alias ? alias[1] : word;
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  const name = at > 0 ? spec.slice(0, at) : spec;
  if (!/^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i.test(name)) return undefined;
  // `user/repo` is a GitHub shorthand, not a package
  if (!name.startsWith('@') && name.includes('/')) return undefined;
  return { name, spec: at > 0 ? spec.slice(at + 1) : '' };
}

function pypiName(word: string): { name: string; spec: string } | undefined {
  if (/^(\.{0,2}\/|~|[a-zA-Z]:\\|file:|git\+|https?:)/.test(word) || /\.(whl|tar\.gz|zip)$/.test(word)) return undefined;
  const parsed = parsePep508(word);
  if (!parsed || parsed.url) return undefined;
  return { name: parsed.name, spec: parsed.specifier };
}

/**
 * The names one command installs or runs. `words` are the command's words in order (name first);
 * a word whose text is undefined had an expansion and is skipped (a name we cannot read is not
 * a name we can judge).
 */
export function installNames(words: Word[]): InstallName[] {
  let i = 0;
  while (i < words.length && (PREFIXES.has(words[i].text ?? '') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i].text ?? ''))) i++;
  if (words[i]?.text === 'env') i++;
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i].text ?? '')) i++;
  const rest = words.slice(i);
  const texts = rest.map((w) => w.text);
  const shape = SHAPES.find((s) => {
    // options may sit between the words (`npm --silent install`, `pip --quiet install`)
    let j = 0;
    for (const w of s.words) {
      while (j < texts.length && texts[j]?.startsWith('-') && !s.words.includes(texts[j]!)) j++;
      if (texts[j] !== w) return false;
      j++;
    }
    return true;
  });
  if (!shape) return [];
  const command = shape.words.join(' ');
  let j = 0;
  for (const w of shape.words) {
    while (j < texts.length && texts[j] !== w) j++;
    j++;
  }
  const valueOptions = shape.ecosystem === 'npm' ? NPM_VALUE_OPTIONS : PIP_VALUE_OPTIONS;
  const out: InstallName[] = [];
  for (; j < rest.length; j++) {
    const w = rest[j];
    if (w.text === undefined) continue;
    if (w.text === '--') break;
    if (w.text.startsWith('-')) {
      if (valueOptions.has(w.text)) j++; // and its value
      continue;
    }
    const parsed = shape.ecosystem === 'npm' ? npmName(w.text) : pypiName(w.text);
    if (parsed) {
      const at = w.text.indexOf(parsed.name);
      out.push({ ecosystem: shape.ecosystem, name: parsed.name, spec: parsed.spec, command, offset: w.offset + Math.max(0, at), length: parsed.name.length });
    }
    // npx create-app my-dir: only the first word is the package; the rest are its arguments
    if (RUNS_ONE.has(command)) break;
  }
  return out;
}

/** The registry name (PyPI names normalised). */
export function registryNameOf(n: InstallName): string {
  return n.ecosystem === 'pypi' ? normalizePythonName(n.name) : n.name;
}

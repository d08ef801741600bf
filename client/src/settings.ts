/**
 * Pure pieces of the client's configuration handling (no VS Code import: unit-tested).
 */

/** The documents the server is given: source, notebooks' Python cells, and dependency files. */
export const JS_LANGUAGES = ['javascript', 'javascriptreact', 'typescript', 'typescriptreact'];

export const DOCUMENT_SELECTOR = [
  ...JS_LANGUAGES.flatMap((language) => [
    { scheme: 'file', language },
    { scheme: 'untitled', language },
  ]),
  { scheme: 'file', language: 'python' },
  { scheme: 'untitled', language: 'python' },
  { scheme: 'vscode-notebook-cell', language: 'python' }, // Jupyter notebook cells
  { scheme: 'file', pattern: '**/requirements*.{txt,in}' },
  { scheme: 'file', language: 'pip-requirements' },
  { scheme: 'file', pattern: '**/pyproject.toml' },
  { scheme: 'file', pattern: '**/setup.cfg' },
  { scheme: 'file', pattern: '**/package.json' }, // parse errors decide "unverified" over "undeclared"
  // install commands: READMEs and agent instruction files, scripts, Dockerfiles, workflows
  { scheme: 'file', language: 'markdown' },
  { scheme: 'file', pattern: '**/*.mdc' },
  { scheme: 'file', pattern: '**/{.cursorrules,.windsurfrules}' },
  { scheme: 'file', language: 'shellscript' },
  { scheme: 'file', language: 'dockerfile' },
  { scheme: 'file', pattern: '**/.github/workflows/*.{yml,yaml}' },
  // lockfiles: where each package is downloaded from
  { scheme: 'file', pattern: '**/{package-lock.json,npm-shrinkwrap.json,yarn.lock,pnpm-lock.yaml,bun.lock,poetry.lock,uv.lock}' },
];

/**
 * The `groundcheck` section the server asked for, with the Python extension's selected interpreter
 * filled in when the user set no environment of their own (theirs always wins).
 */
export function withPythonEnvironment(section: string | undefined, value: unknown, selected: string | undefined): unknown {
  const settings = value as { python?: { environment?: string } } | null;
  if (section !== 'groundcheck' || !settings || typeof settings !== 'object' || settings.python?.environment || !selected) return value;
  return { ...settings, python: { ...settings.python, environment: selected } };
}

/** The workspace allowlist after allowing a name (unchanged, and so not written, when it is there). */
export function allowListWith(current: readonly string[] | undefined, name: string): string[] | undefined {
  const list = current ?? [];
  return list.includes(name) ? undefined : [...list, name];
}

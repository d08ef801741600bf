/**
 * Domain types shared by every stage of the pipeline:
 * extract (Reference) -> resolve (Resolution) -> registry (LookupResult) -> findings (Finding).
 * Nothing here imports vscode or the LSP, so the CLI and tests use the same types.
 */

/** Zero-based line/character position; structurally identical to an LSP Position. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type ReferenceKind =
  | 'import'
  | 'export'
  | 'import-equals'
  | 'require'
  | 'require-resolve'
  | 'dynamic-import'
  | 'import-type' // import('x') in a type, in TypeScript or a JSDoc comment
  | 'reference-types'; // /// <reference types="x" />

/** One module specifier written in a document. */
export interface Reference {
  kind: ReferenceKind;
  /** The specifier as written, without quotes. */
  specifier: string;
  /** Range of the specifier text, inside the quotes. */
  range: Range;
  /** Only types are imported (`import type`, `export type`, `typeof import()`). */
  typeOnly: boolean;
}

/** How a document uses a name from a module (issue #3 checks each against the module's exports). */
export type ApiUse =
  | 'named' // import { a } from 'm'
  | 'reexport' // export { a } from 'm'
  | 'default' // import d from 'm'
  | 'namespace-member' // import * as ns from 'm'; ns.a  (also import ns = require('m'))
  | 'default-member' // import d from 'm'; d.a
  | 'named-member' // import { z } from 'm'; z.a  (`of` names the export)
  | 'require-member' // require('m').a, or const m = require('m'); m.a
  | 'require-destructure'; // const { a } = require('m')

/** One name a document takes from a module. */
export interface ApiReference {
  specifier: string;
  /** The exported name asked for ('default' for a default import). */
  name: string;
  use: ApiUse;
  /** For a member of a named import: the exported name it is a member of (`z` in `z.email`). */
  of?: string;
  /** Range of the name as written (the import specifier, the member after the dot). */
  range: Range;
  typeOnly: boolean;
}

/** A bare specifier split into the package name and the rest (`@scope/pkg` + `/sub/path`). */
export interface PackageSpecifier {
  name: string;
  subpath: string;
}

/** How a reference was satisfied without the network, or why it is not an npm name at all. */
export type Resolution =
  | { kind: 'local'; via: string }
  | { kind: 'not-a-package'; reason: string }
  | { kind: 'package'; pkg: PackageSpecifier; registryName: string };

export type LookupStatus = 'exists' | 'missing' | 'unverified';

/** What the registry (or the cache of it) said about one package name. */
export interface PackageInfo {
  name: string;
  status: LookupStatus;
  /** The registry that was asked, e.g. https://registry.npmjs.org/. */
  registry: string;
  /** dist-tags.latest (npm) or the newest release (PyPI), when the package exists. */
  latest?: string;
  /** Every published version, where the registry lists them (PyPI: for missing-version). */
  versions?: string[];
  /** Why the answer is unverified (timeout, HTTP 500, offline...). */
  reason?: string;
  /** For an unverified answer: whether the registry as a whole is failing (5xx, 429, network), not just this name. */
  registryFault?: boolean;
  /** For an unverified answer: the project's .npmrc held credentials for this registry that were not used (untrusted). */
  credentialsWithheld?: boolean;
  /** For an unverified answer: the registry asked us to wait this long (HTTP Retry-After). */
  retryAfterMs?: number;
  /** The registry withholds the package (HTTP 451, as npm does for packages under security review). */
  held?: boolean;
  /** Extra context for a missing name (e.g. a security placeholder). */
  note?: string;
  /** Where the answer came from. */
  source: 'registry' | 'cache' | 'snapshot' | 'offline';
  /** When the registry was asked (ms since epoch). */
  checkedAt: number;
}

/**
 * What the registry's full document says about a package, for its risk signals and hover card
 * (npm only: a Simple API index has no such facts).
 */
export interface PackageMetadata {
  name: string;
  registry: string;
  latest?: string;
  description?: string;
  license?: string;
  /** Repository URL, of the package or of its latest version. */
  repository?: string;
  versionCount: number;
  /** ms since epoch: `time.created`, else the earliest version's time. */
  firstPublished?: number;
  /** ms since epoch: the newest version's time. */
  lastPublished?: number;
  /** Install hooks the latest version runs (`preinstall`, `install`, `postinstall`). */
  installScripts: string[];
  /** The latest version's deprecation message. */
  deprecated?: string;
  checkedAt: number;
}

export type FindingCode =
  | 'missing-package'
  | 'missing-version'
  | 'undeclared-dependency'
  | 'unverified-package'
  | 'missing-export'
  | 'export-in-other-version'
  /** A package that exists but looks like a squat of a much more popular one. */
  | 'suspicious-package'
  /** A package.json or pyproject.toml that cannot be parsed; verdicts that need it are unverified. */
  | 'manifest-unreadable'
  /** A lockfile entry downloaded from a host that is not a registry the project uses (lockfile injection). */
  | 'lockfile-source'
  /** A lockfile entry whose integrity is not the one the registry publishes for that version. */
  | 'lockfile-integrity'
  /** The file could not be checked at all (unreadable, nested too deeply for the parser, ...). */
  | 'check-failed';

/**
 * What a module exports, read from its declaration files (TypeScript compiler API) or, for a
 * package with no types, from its entry file (cjs-module-lexer / es-module-lexer).
 */
export interface ExportTable {
  /** The module specifier without version: `lodash`, `lodash/fp`, `fs`. */
  module: string;
  /** The package version the names were read from ('' for a Node builtin). */
  version: string;
  /** Where the names came from, for messages: "bundled types", "types from @types/lodash 4.17.20". */
  source: string;
  kind: 'types' | 'lexer';
  /** Module format at run time: a CommonJS module always has a default import (module.exports). */
  format: 'esm' | 'cjs';
  /** Every exported name, types included; for `export =` also the members of the exported value. */
  names: string[];
  /** Names that are types only (interfaces, type aliases): never suggested for a value. */
  typeOnlyNames?: string[];
  exportEquals: boolean;
  hasDefault: boolean;
  /** Members of the default export, when its type lists them all (an object, a function or class with properties). */
  defaultMembers?: string[];
  /**
   * Members of named exports whose type lists them all: a namespace (`export * as z`), an object, a
   * function or class with properties. Only these are checked one level deep (`z.email`).
   */
  namedMembers?: Record<string, string[]>;
  /** Short signatures of value exports, for hover. */
  signatures?: Record<string, string>;
  /** False when some names could not be read (an unresolved `export *`, dynamic CommonJS exports). */
  complete: boolean;
  /** The entry file adds members to its export under computed names at run time (a registration loop). */
  registersAtRunTime?: boolean;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint' | 'off';

export type PackageManager = 'npm' | 'yarn' | 'pnpm' | 'bun';

/** What a fix needs to know; carried through diagnostics so quick fixes need no recomputation. */
export interface FindingData {
  ecosystem?: 'npm' | 'pypi';
  /** The text the replace fixes swap out (the npm package name, or a Python import's top-level name). */
  packageName: string;
  /** Subpath after the package name, kept when the name is replaced. */
  subpath: string;
  suggestions: string[];
  registry?: string;
  latest?: string;
  /** package.json that would declare the dependency. */
  manifestPath?: string;
  /** Declare it under devDependencies (test and config files). */
  dev?: boolean;
  packageManager?: PackageManager;
  /** Python: requirements file or pyproject.toml that would declare it. */
  manifestKind?: 'requirements' | 'pyproject';
  /** What to declare or install when it is not the name imported: a Python distribution (PyYAML for yaml), @types/<name> for a type-only npm reference. */
  distribution?: string;
  /** The command the Install fix types into a terminal, when the checker knows it best. */
  installCommand?: string;
  /** unverified-package: why the registry's answer is not known (timeout, offline, credentials withheld...). */
  unverifiedReason?: string;
  /** missing-export: the name that is not exported (suggestions then are export names). */
  exportName?: string;
  /** missing-export: TypeScript reports this same error in the editor, so no diagnostic is published. */
  typescriptReports?: boolean;
}

export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
  range: Range;
  data: FindingData;
}

export interface CheckTimings {
  extractMs: number;
  resolveMs: number;
  lookupMs: number;
  totalMs: number;
}

/** A name checked against a module's exports, for hover. */
export interface CheckedApi {
  range: Range;
  name: string;
  module: string;
  version: string;
  source: string;
  signature?: string;
  exported: boolean;
}

/** A package name looked up in a document, for its hover card. */
export interface CheckedPackage {
  range: Range;
  /** The name the registry knows. */
  name: string;
  ecosystem: 'npm' | 'pypi';
  status: LookupStatus;
  registry?: string;
  latest?: string;
}

export interface CheckResult {
  findings: Finding[];
  /** Package names looked up, for hover cards. */
  packages?: CheckedPackage[];
  /** Names checked against export tables (named imports, members), for hover. */
  apis?: CheckedApi[];
  references: number;
  unverified: number;
  timings: CheckTimings;
  /** Set when the document was not analysed (binary, too large) with a reason for the log. */
  skipped?: string;
  /** Set when checking the document failed (it carries a `check-failed` finding too). */
  failed?: string;
  /** Package verdicts only: the API checks are still running (see CheckOptions.onPartial). */
  partial?: boolean;
}

/** Finding texts, kept together so the editor, the CLI and the README say the same thing. */
import type { ApiReference, ExportTable, FindingCode, PackageInfo } from '../model';
import type { SquatTarget } from '../suggest/popularIndex';

export const DOCS_BASE = 'https://github.com/groundcheck/groundcheck#';

export function docsUrl(code: FindingCode): string {
  return DOCS_BASE + code;
}

export const quoteList = (names: string[]) => names.map((n) => `'${n}'`).join(', ');

export function missingPackageMessage(name: string, info: PackageInfo, suggestions: string[]): string {
  const why = info.note ? `: ${info.note}` : '';
  const where = `the npm registry (${info.registry})`;
  const head = info.note ? `'${name}' is not installable from ${where}${why}.` : `'${name}' does not exist on ${where}.`;
  return suggestions.length > 0 ? `${head} Did you mean ${quoteList(suggestions)}?` : head;
}

export function undeclaredMessage(name: string, info: PackageInfo, manifest: string): string {
  const latest = info.latest ? ` (latest ${info.latest})` : '';
  const where = info.source === 'snapshot' ? `exists (${info.reason})` : `exists on the npm registry${latest}`;
  return `'${name}' ${where} but is not declared in ${manifest} and not installed.`;
}

export function unverifiedMessage(name: string, info: PackageInfo): string {
  return `Could not verify '${name}' on ${info.registry}: ${info.reason ?? 'no answer'}. It is not installed; it will be checked again.`;
}

export function pypiMissingImportMessage(module: string, distributions: string[], info: PackageInfo, suggestions: string[]): string {
  const names = quoteList(distributions.slice(0, 3));
  const head = `'${module}' is not installed, and no distribution ${names} exists on the package index (${info.registry.split(' ')[0]}).`;
  return suggestions.length > 0 ? `${head} Did you mean ${quoteList(suggestions)}?` : head;
}

export function pypiMissingRequirementMessage(name: string, info: PackageInfo, suggestions: string[]): string {
  const head = `'${name}' does not exist on the package index (${info.registry.split(' ')[0]}).`;
  return suggestions.length > 0 ? `${head} Did you mean ${quoteList(suggestions)}?` : head;
}

export function missingVersionMessage(name: string, specifier: string, info: PackageInfo): string {
  return `No release of '${name}' matches ${specifier} on the package index (${info.registry.split(' ')[0]}); the newest is ${info.latest ?? 'unknown'}.`;
}

export function pypiUndeclaredMessage(module: string, distribution: string, info: PackageInfo, manifest: string | undefined): string {
  const provided = module.split('.')[0] === distribution ? `'${module}'` : `'${module}' (from '${distribution}')`;
  const latest = info.latest ? ` (latest ${info.latest})` : '';
  const where = info.source === 'snapshot' ? `exists (${info.reason})` : `exists on the package index${latest}`;
  return `${provided} ${where} but is not installed${manifest ? ` and not declared in ${manifest}` : ''}.`;
}

/** "lodash 4.17.21" or "Node's 'fs' module". */
function moduleLabel(table: ExportTable, builtin: boolean): string {
  if (builtin) return `Node's '${table.module}' module`;
  return table.version ? `${table.module} ${table.version}` : table.module;
}

export function missingExportMessage(ref: ApiReference, table: ExportTable, suggestions: string[], builtin: boolean): string {
  const where = `${moduleLabel(table, builtin)} (${table.source})`;
  const head =
    ref.use === 'default' || (ref.name === 'default' && (ref.use === 'named' || ref.use === 'reexport'))
      ? `${where} has no default export.`
      : ref.use === 'default-member' && !table.exportEquals && table.hasDefault
        ? `'${ref.name}' is not a member of the default export of ${where}.`
        : ref.use === 'named-member'
          ? `'${ref.name}' is not a member of '${ref.of}' from ${where}.`
          : `'${ref.name}' is not exported by ${where}.`;
  return suggestions.length > 0 ? `${head} Did you mean ${quoteList(suggestions)}?` : head;
}

export function exportInOtherVersionMessage(ref: ApiReference, table: ExportTable, other: { addedIn?: string; lastIn?: string }, has: string): string {
  const name = ref.use === 'default' ? 'A default export' : `'${ref.name}'`;
  const which = has === 'installed' ? 'the version installed' : has === 'latest' ? 'the latest version' : `the version this project declares (${has.replace(/^declared /, '')})`;
  const when = other.addedIn ? `it was added in ${other.addedIn}` : `the last version that exports it is ${other.lastIn}`;
  return `${name} is not exported by ${table.module} ${table.version}, ${which}: ${when}.`;
}

export function manifestUnreadableMessage(file: string, error: string): string {
  return `${file} cannot be parsed: ${error}. What it declares is unknown, so imports that depend on it are unverified.`;
}

export function squatMessage(name: string, squat: SquatTarget): string {
  const slip = squat.distance === 0 ? 'differs from it only in case' : `is one slip away from it`;
  return `'${name}' exists on the npm registry, but looks like a squat of '${squat.popular}': it ${slip}, and '${squat.popular}' has over ${squat.ratio.toLocaleString('en-US')} times its downloads. Names like this are registered to catch typos and made-up imports. Did you mean '${squat.popular}'?`;
}

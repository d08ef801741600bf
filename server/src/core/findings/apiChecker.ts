/**
 * Checks the names a document takes from modules against their export tables: missing-export
 * when the version the project has does not export a name, export-in-other-version when another
 * major (or a newer minor) does. A table that is incomplete, or a use whose target cannot be
 * known (members of a function, of an `any`), gives no finding: never a guess.
 */
import { CancelledError, type CancellationToken, type Logger } from '../io';
import type { ApiReference, CheckedApi, ExportTable, Finding, Severity } from '../model';
import type { ExportTables, ModuleQuery, TableAnswer } from '../exports/exportTables';
import { boundedDistance } from '../suggest/distance';
import { exportInOtherVersionMessage, missingExportMessage } from './messages';

/** Members every object or function has: never reported, whatever the table says. */
const UNIVERSAL_MEMBERS = new Set([
  'apply', 'bind', 'call', 'length', 'name', 'prototype', 'arguments', 'caller', 'constructor', 'toString', 'toLocaleString',
  'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', '__proto__', '__esModule', 'then',
]);

export type Verdict = 'ok' | 'missing' | 'unknown';

/** Whether `ref` names something `table` exports. Pure: the unit tests drive it directly. */
export function evaluate(ref: ApiReference, table: ExportTable): Verdict {
  const names = new Set(table.names);
  const memberOf = (members: Iterable<string> | undefined, complete: boolean): Verdict => {
    if (UNIVERSAL_MEMBERS.has(ref.name)) return 'ok';
    // `imported.default`: the CommonJS interop idiom (`mod.default ?? mod`), not an API name
    if (ref.name === 'default' && ref.use !== 'namespace-member') return 'ok';
    if (!members) return 'unknown';
    if (new Set(members).has(ref.name)) return 'ok';
    return complete ? 'missing' : 'unknown';
  };
  switch (ref.use) {
    case 'default':
      // A CommonJS module always has a default import (module.exports) in Node and every bundler.
      if (table.hasDefault || table.exportEquals || table.format === 'cjs') return 'ok';
      return table.complete ? 'missing' : 'unknown';
    case 'default-member':
      if (table.exportEquals || (table.format === 'cjs' && !table.hasDefault)) return memberOf(names, table.complete);
      if (table.hasDefault) return memberOf(table.defaultMembers, table.complete);
      return 'unknown';
    case 'named-member':
      // Only members the types list in full (a namespace, an object, a function's properties);
      // an export whose members are unknown, or that is not exported at all, is no verdict here.
      if (!ref.of || !names.has(ref.of)) return 'unknown';
      return memberOf(table.namedMembers?.[ref.of], table.complete);
    case 'named':
    case 'reexport':
      if (ref.name === 'default') return evaluate({ ...ref, use: 'default' }, table);
      return memberOf(names, table.complete);
    case 'require-member':
    case 'require-destructure':
      // Typings that say `export default` over a package that `require()` gets as CommonJS
      // (`module.exports = S` in fluent-json-schema, axios's CommonJS build): what require() returns
      // is the default export, so its members count too, and unknown members are no verdict.
      if (table.hasDefault && !table.exportEquals && !names.has(ref.name)) {
        const inDefault = memberOf(table.defaultMembers, table.complete);
        return inDefault === 'ok' ? 'ok' : table.defaultMembers ? inDefault : 'unknown';
      }
      return memberOf(names, table.complete);
    default:
      return memberOf(names, table.complete);
  }
}

/** camelCase / snake_case words, lower-cased: readFileAsync -> read, file, async. */
function words(name: string): string[] {
  return name.split(/(?<=[a-z0-9])(?=[A-Z])|[_$-]+/).filter(Boolean).map((w) => w.toLowerCase());
}

/**
 * Up to `limit` real export names closest to a made-up one. Made-up names are usually a real one
 * with a word added, dropped or reordered (superMerge, readFileAsync, deepCloneAsync), so shared
 * words count as much as edit distance.
 */
export function closestExports(name: string, candidates: readonly string[], limit = 3): string[] {
  const lower = name.toLowerCase();
  const max = Math.max(1, Math.floor(name.length / 4));
  const mine = new Set(words(name));
  const scored: { name: string; score: number }[] = [];
  for (const c of candidates) {
    if (c === name || c === 'default' || c.startsWith('_')) continue;
    const cl = c.toLowerCase();
    let score = boundedDistance(lower, cl, max);
    const theirs = words(c);
    const shared = theirs.filter((w) => mine.has(w)).length;
    // Every word of the real name appears in the made-up one (merge in superMerge, cloneDeep in deepCloneAsync).
    if (shared > 0 && shared === theirs.length) score = Math.min(score, 1 + (mine.size - shared) * 0.5);
    else if (shared >= 2) score = Math.min(score, 1.5 + (mine.size + theirs.length - 2 * shared) * 0.5);
    // One word swapped (formatTime -> formatDate): same length in words, all but one shared.
    else if (shared >= 1 && theirs.length === mine.size && shared === mine.size - 1) score = Math.min(score, max + 0.5);
    // One is the other with an ending added (chunkify, flattenDeepest).
    if (cl.length >= 4 && lower.length >= 4 && (lower.startsWith(cl) || cl.startsWith(lower))) score = Math.min(score, 1 + Math.abs(cl.length - lower.length) * 0.1);
    if (score <= max + 0.5) scored.push({ name: c, score });
  }
  scored.sort((a, b) => a.score - b.score || Math.abs(a.name.length - name.length) - Math.abs(b.name.length - name.length) || a.name.localeCompare(b.name));
  return scored.slice(0, limit).map((s) => s.name);
}

export interface ApiCheckInput {
  apis: ApiReference[];
  /** How each specifier's exports are found; specifiers without an entry are not checked. */
  queries: Map<string, ModuleQuery>;
  /** TypeScript checks this document (TS, or JS with @ts-check / checkJs). */
  typeChecked: boolean;
  /** A JavaScript document (TypeScript types `require()` only there). */
  javascript: boolean;
  severity: Record<string, Severity>;
}

export interface ApiCheckResult {
  findings: Finding[];
  checked: CheckedApi[];
}

export class ApiChecker {
  constructor(private readonly deps: { tables: ExportTables; logger: Logger }) {}

  async check(input: ApiCheckInput, token: CancellationToken): Promise<ApiCheckResult> {
    const bySpecifier = new Map<string, ApiReference[]>();
    for (const ref of input.apis) {
      if (!input.queries.has(ref.specifier)) continue;
      const list = bySpecifier.get(ref.specifier) ?? [];
      list.push(ref);
      bySpecifier.set(ref.specifier, list);
    }
    const answers = await Promise.all([...bySpecifier.keys()].map((s) => this.deps.tables.tableFor(input.queries.get(s)!)));
    if (token.isCancellationRequested) throw new CancelledError();
    const findings: Finding[] = [];
    const checked: CheckedApi[] = [];
    const specifiers = [...bySpecifier.keys()];
    for (let i = 0; i < specifiers.length; i++) {
      const answer = answers[i];
      if (!answer) continue;
      const query = input.queries.get(specifiers[i])!;
      const other = new Map<string, Promise<Finding | undefined>>();
      for (const ref of bySpecifier.get(specifiers[i])!) {
        const verdict = evaluate(ref, answer.table);
        const { table } = answer;
        checked.push({ range: ref.range, name: ref.name, module: table.module, version: table.version, source: table.source, signature: table.signatures?.[ref.name], exported: verdict !== 'missing' });
        if (verdict !== 'missing') continue;
        // A table read from an untyped entry file knows run-time names only: a type (a type-only
        // import, or a named import in TypeScript while the project declares @types/<name>, as astro
        // declares @types/yargs-parser 21 beside an untyped yargs-parser 22) is not something it can deny.
        const typesElsewhere = query.kind === 'package' && !!query.typesDeclared && !input.javascript && (ref.use === 'named' || ref.use === 'reexport');
        if (table.kind === 'lexer' && (ref.typeOnly || typesElsewhere)) continue;
        const finding = await this.findingFor(ref, answer, query, input, other);
        if (token.isCancellationRequested) throw new CancelledError();
        if (finding && finding.severity !== 'off') findings.push(finding);
      }
    }
    return { findings, checked };
  }

  private async findingFor(ref: ApiReference, answer: TableAnswer, query: ModuleQuery, input: ApiCheckInput, memo: Map<string, Promise<Finding | undefined>>): Promise<Finding | undefined> {
    const { table } = answer;
    const typescriptReports = input.typeChecked && answer.fromWorkspace && table.kind === 'types' && (input.javascript || !ref.use.startsWith('require'));
    const data = { packageName: ref.specifier, subpath: '', suggestions: [] as string[], exportName: ref.name, typescriptReports: typescriptReports || undefined, latest: undefined };
    // Other versions are on the registry: never asked offline, or about a private scope's name.
    if (query.kind === 'package' && query.registryAllowed && table.version && ref.use !== 'default-member' && ref.use !== 'named-member') {
      const key = ref.name;
      let pending = memo.get(key);
      if (!pending) {
        pending = this.deps.tables
          .otherVersions(
            query.registryName, query.subpath, query.config, table.version,
            { key: `${ref.use === 'default' ? 'default' : 'named'} ${ref.name}`, has: (t) => evaluate({ ...ref, use: ref.use === 'default' ? 'default' : 'named' }, t) === 'ok' },
            query.name,
          )
          .then((found) =>
            found
              ? { code: 'export-in-other-version' as const, severity: input.severity['export-in-other-version'], range: ref.range, message: exportInOtherVersionMessage(ref, table, found, query.installed ? 'installed' : query.range ? `declared ${query.range}` : 'latest'), data: { ...data } }
              : undefined,
          );
        memo.set(key, pending);
      }
      const other = await pending;
      if (other) return { ...other, range: ref.range };
    }
    const pool = ref.use === 'named-member'
      ? (table.namedMembers?.[ref.of ?? ''] ?? [])
      : ref.use === 'default-member' && table.defaultMembers && !table.exportEquals && table.format !== 'cjs' ? table.defaultMembers : table.names;
    // A value is never replaced by a type: `parseAsync()` -> `parse`, not `ParseOptions`.
    const types = new Set(ref.typeOnly ? [] : (table.typeOnlyNames ?? []));
    const suggestions = ref.use === 'default' ? [] : closestExports(ref.name, pool.filter((n) => !types.has(n)));
    return {
      code: 'missing-export',
      severity: input.severity['missing-export'],
      range: ref.range,
      message: missingExportMessage(ref, table, suggestions, query.kind === 'builtin'),
      data: { ...data, suggestions },
    };
  }
}

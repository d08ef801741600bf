/** Hover on a name taken from a module: its signature and the package version it was checked against. */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { CheckedApi, Range } from '../core/model';

const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character < b.character);

export function contains(range: Range, p: Position): boolean {
  return !before(p, range.start) && !before(range.end, p);
}

export function overlaps(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

export function hoverFor(apis: CheckedApi[], position: Position): Hover | null {
  const api = apis.find((a) => contains(a.range, position));
  if (!api) return null;
  const version = api.version ? ` ${api.version}` : '';
  const verdict = api.exported ? 'checked against' : 'not exported by';
  const lines = [`Groundcheck: \`${api.name}\` ${verdict} \`${api.module}\`${version} (${api.source}).`];
  if (api.signature) lines.unshift('```typescript', api.signature, '```');
  return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') }, range: api.range };
}

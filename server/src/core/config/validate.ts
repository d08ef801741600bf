/**
 * `groundcheck.json` (or the `groundcheck` key of package.json) checked against the schema the
 * project ships (`schemas/groundcheck.schema.json`), with a real JSON Schema validator. Each problem
 * carries the file, the key and where it is, so the CLI can name it and the editor can underline it.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { findNodeAtLocation, type Node as JsonNode } from 'jsonc-parser';
import schema from '../../../../schemas/groundcheck.schema.json';

export interface ConfigProblem {
  file: string;
  /** The key path (`privateScopes`, `severity.missing-package`), '' for the whole object. */
  key: string;
  message: string;
  /** Where to underline, as offsets in the file's text. */
  offset: number;
  length: number;
  /** The same place as a zero-based line and character. */
  line?: number;
  character?: number;
}

/** Adds line and character to each problem, from the text its offsets point into. */
export function withPositions(problems: ConfigProblem[], text: string): ConfigProblem[] {
  return problems.map((p) => {
    const before = text.slice(0, p.offset);
    const line = before.split('\n').length - 1;
    return { ...p, line, character: p.offset - (before.lastIndexOf('\n') + 1) };
  });
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: false }).compile(schema);
  return compiled;
}

/** Problems of one configuration object; `tree` is its JSONC parse tree, `at` its path in that tree. */
export function validateConfig(file: string, value: unknown, tree: JsonNode | undefined, at: (string | number)[]): ConfigProblem[] {
  const validate = validator();
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => toProblem(file, e, tree, at));
}

function toProblem(file: string, e: ErrorObject, tree: JsonNode | undefined, at: (string | number)[]): ConfigProblem {
  const segments = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const path: (string | number)[] = segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  let target = path;
  let key = path.map(String).join('.');
  let message: string;
  if (e.keyword === 'additionalProperties') {
    target = [...path, String((e.params as { additionalProperty: string }).additionalProperty)];
    key = target.map(String).join('.');
    message = `unknown key "${key}"${path[0] === 'severity' ? ' (not a finding code)' : ''}`;
  } else {
    const must =
      e.keyword === 'enum' ? `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
      : e.keyword === 'pattern' ? 'must be a scope name such as "@acme"'
      : `must ${e.message?.replace(/^must /, '') ?? 'be valid'}`;
    message = key ? `"${key}" ${must}` : `the configuration ${must}`;
  }
  const node = tree ? (findNodeAtLocation(tree, [...at, ...target]) ?? findNodeAtLocation(tree, [...at, ...path]) ?? findNodeAtLocation(tree, at)) : undefined;
  // For an unknown key, underline the key itself (its property node's first child).
  const keyNode = e.keyword === 'additionalProperties' && node?.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
  const spot = keyNode ?? node;
  return { file, key, message, offset: spot?.offset ?? 0, length: spot?.length ?? 1 };
}

/**
 * `npm run demo [dir]`: starts the language server (the bundle the extension runs) on the tour
 * (test/fixtures/tour: every kind of finding, once) or on your own folder, opens each file as an
 * editor would (notebook cells included), and prints what the editor would underline, with its
 * quick fixes and a legend of the codes. Registries: yours when they answer, else loopback ones
 * (see scripts/support/tour.ts), and it says which.
 */
import * as fs from 'fs';
import * as path from 'path';
import { URI } from 'vscode-uri';
import { BUNDLED_SERVER, LspClient, type Diagnostic } from '../test/support/lspClient';
import { LEGEND, prepareTour } from './support/tour';

const SEVERITY = ['', 'error', 'warning', 'info', 'hint'];
const LANGUAGE: [RegExp, string][] = [
  [/\.tsx$/, 'typescriptreact'],
  [/\.[cm]?ts$/, 'typescript'],
  [/\.jsx$/, 'javascriptreact'],
  [/\.[cm]?js$/, 'javascript'],
  [/\.py$/, 'python'],
  [/(^|\/)requirements[^/]*\.(txt|in)$/, 'pip-requirements'],
  [/(^|\/)pyproject\.toml$/, 'toml'],
  [/(^|\/)package\.json$/, 'json'],
];

function documents(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name.startsWith('.') ? [] : documents(p);
    return (LANGUAGE.some(([re]) => re.test(p)) && !e.name.endsWith('.d.ts')) || e.name.endsWith('.ipynb') ? [p] : [];
  }).sort();
}

/** Each code cell of a notebook as the editor opens it: a document of its own. */
function notebookCells(file: string): { uri: string; text: string }[] {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: { cell_type: string; source: string[] | string }[] };
  return nb.cells
    .filter((c) => c.cell_type === 'code')
    .map((c, i) => ({ uri: URI.from({ scheme: 'vscode-notebook-cell', path: file, fragment: `cell${i}` }).toString(), text: Array.isArray(c.source) ? c.source.join('') : c.source }));
}

async function main(): Promise<number> {
  const started = Date.now();
  const own = process.argv[2] ? path.resolve(process.argv[2]) : undefined;
  const tour = own ? undefined : await prepareTour({ log: (l) => console.log(`  ${l}`) });
  const root = own ?? tour!.root;
  const files = documents(root);
  console.log(`\ngroundcheck demo: ${files.length} file(s) in ${root}`);
  if (tour) console.log(`npm registry: ${tour.npmSource}\nPython index: ${tour.pythonSource}\n`);
  const client = await LspClient.start({ rootDir: root, env: tour?.env, settings: { ...(tour?.settings ?? {}), debounceMs: 50 }, serverBin: fs.existsSync(BUNDLED_SERVER) ? BUNDLED_SERVER : undefined });
  const seen = new Set<string>();
  let findings = 0;
  try {
    for (const file of files) {
      const opened = file.endsWith('.ipynb')
        ? notebookCells(file).map((cell, i) => {
            void client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: cell.uri, languageId: 'python', version: 1, text: cell.text } });
            return { uri: cell.uri, label: `${path.relative(root, file)} cell ${i + 1}` };
          })
        : [{ uri: client.open(file, fs.readFileSync(file, 'utf8'), LANGUAGE.find(([re]) => re.test(file))![1]), label: path.relative(root, file) }];
      for (const { uri, label } of opened) {
        const { diagnostics } = await client.settled(uri, 1, 30_000);
        for (const d of diagnostics.sort((a: Diagnostic, b: Diagnostic) => a.range.start.line - b.range.start.line)) {
          findings++;
          seen.add(String(d.code));
          console.log(`${label}:${d.range.start.line + 1}:${d.range.start.character + 1}  ${SEVERITY[d.severity ?? 1]}  ${d.message}  [${d.code}]`);
          for (const a of await client.codeActions(uri, [d])) console.log(`    quick fix: ${a.title}`);
        }
      }
    }
  } finally {
    await client.stop();
    await tour?.stop();
  }
  console.log(`\n${findings} finding(s) in ${((Date.now() - started) / 1000).toFixed(1)} s.\n\nWhat the codes mean:`);
  for (const [code, meaning] of LEGEND) console.log(`  ${seen.has(code) ? '*' : ' '} ${code.padEnd(24)} ${meaning}`);
  console.log('  (* shown above; suppressed lines, `// groundcheck-ignore-next-line`, are not)');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`demo failed: ${(e as Error).message}`);
    process.exit(2);
  },
);

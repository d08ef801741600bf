/**
 * `npm run demo [dir]`: starts groundcheck-lsp --stdio on a project (the sample by default), opens
 * each JS/TS file as an editor would, and prints what the editor would underline. It uses your
 * npm configuration and registry, like the extension does.
 */
import * as fs from 'fs';
import * as path from 'path';
import { LspClient, type Diagnostic } from '../test/support/lspClient';
import { copyFixture } from '../test/support/workspace';

const SEVERITY = ['', 'error', 'warning', 'info', 'hint'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name.startsWith('.') ? [] : sourceFiles(p);
    return /\.(?:[cm]?[jt]sx?)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

async function main(): Promise<number> {
  // The sample is copied out of this repository so that our own node_modules does not resolve its imports.
  const root = process.argv[2] ? path.resolve(process.argv[2]) : copyFixture('sample');
  const files = sourceFiles(root);
  console.log(`groundcheck demo: ${files.length} file(s) in ${root}\n`);
  const client = await LspClient.start({ rootDir: root, settings: {} });
  let findings = 0;
  try {
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const uri = client.open(file, text, file.endsWith('x') ? 'typescriptreact' : 'typescript');
      const { diagnostics } = await client.settled(uri, 1, 30_000);
      for (const d of diagnostics.sort((a: Diagnostic, b: Diagnostic) => a.range.start.line - b.range.start.line)) {
        findings++;
        const where = `${path.relative(root, file)}:${d.range.start.line + 1}:${d.range.start.character + 1}`;
        console.log(`${where}  ${SEVERITY[d.severity ?? 1]}  ${d.message}  [${d.code}]`);
        const actions = await client.codeActions(uri, [d]);
        for (const a of actions) console.log(`    quick fix: ${a.title}`);
      }
    }
  } finally {
    await client.stop();
  }
  console.log(`\n${findings} finding(s).`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`demo failed: ${(e as Error).message}`);
    process.exit(2);
  },
);

/**
 * The layering the build enforces: a file of server/src/core that imports an editor or protocol
 * package does not compile (server/src/core/tsconfig.json, referenced by the root tsconfig, so
 * `tsc -b` fails). Checked here with a probe file added to that project in memory.
 */
import * as assert from 'assert';
import * as path from 'path';
import ts = require('typescript');

const CORE = path.resolve(__dirname, '../../../server/src/core');

function diagnosticsWithProbe(source: string): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(CORE, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const probe = path.join(CORE, '__boundary_probe__.ts');
  const host = ts.createCompilerHost(parsed.options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => f === probe || fileExists(f);
  host.readFile = (f) => (f === probe ? source : readFile(f));
  host.getSourceFile = (f, v, ...rest) => (f === probe ? ts.createSourceFile(f, source, v) : getSourceFile(f, v, ...rest));
  const program = ts.createProgram({ rootNames: [probe], options: { ...parsed.options, composite: false, noEmit: true }, host });
  return program.getSourceFiles().flatMap((sf) => (sf.fileName.includes(`${path.sep}boundary${path.sep}`) || sf.fileName === probe ? program.getSemanticDiagnostics(sf) : []))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('the core boundary (enforced by tsc -b)', function () {
  this.timeout(30_000);

  it('an import of vscode-languageserver or vscode from core/ does not compile, and says why', () => {
    for (const spec of ['vscode-languageserver/node', 'vscode', 'vscode-languageclient/node']) {
      const errors = diagnosticsWithProbe(`import * as m from '${spec}';\nexport const x = m;\n`);
      assert.ok(errors.some((e) => /core\/ may not import/.test(e)), `${spec}: ${errors.join(' | ')}`);
    }
  });

  it('what core/ may import still compiles', () => {
    assert.deepStrictEqual(diagnosticsWithProbe(`import * as path from 'path';\nimport { normalizeSettings } from './config/settings';\nexport const x = [path.sep, normalizeSettings];\n`), []);
  });
});

/**
 * Through VS Code's own API, in its extension host: the extension activates, and each file of the
 * tour gets the diagnostics and quick fixes it should. (Run by test/vscode/index.ts.)
 */
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';

function folder(): string {
  const f = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(f, 'the tour is open as the workspace folder');
  return f;
}

/** Our diagnostics for a file once they stop changing (the server publishes package verdicts first). */
async function groundcheckDiagnostics(uri: vscode.Uri, atLeast: number): Promise<vscode.Diagnostic[]> {
  const ours = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'groundcheck');
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (ours().length >= atLeast) return ours();
    await new Promise<void>((resolve) => {
      const sub = vscode.languages.onDidChangeDiagnostics(() => {
        sub.dispose();
        resolve();
      });
      setTimeout(() => {
        sub.dispose();
        resolve();
      }, 1000);
    });
  }
  return ours();
}

const codeOf = (d: vscode.Diagnostic) => String(typeof d.code === 'object' ? d.code.value : d.code);

describe('Groundcheck in the extension host', () => {
  it('activates', async () => {
    const ext = vscode.extensions.getExtension('groundcheck.groundcheck');
    assert.ok(ext, 'the extension is installed');
    await ext.activate();
    assert.ok(ext.isActive);
  });

  it('src/server.ts: made-up package, missing export, export of another version, undeclared, squat', async () => {
    const uri = vscode.Uri.file(path.join(folder(), 'src', 'server.ts'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const diagnostics = await groundcheckDiagnostics(uri, 5);
    const codes = diagnostics.map(codeOf).sort();
    for (const code of ['missing-package', 'missing-export', 'export-in-other-version', 'undeclared-dependency', 'suspicious-package']) assert.ok(codes.includes(code), `${code} in ${codes.join(', ')}`);
    // each code links to its section of the README
    for (const d of diagnostics) assert.match(String((d.code as { target: vscode.Uri }).target), new RegExp(`#${codeOf(d)}$`));
    const made = diagnostics.find((d) => d.message.startsWith("'fast-json-parser-v2'"))!;
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, made.range)) ?? [];
    assert.ok(actions.some((a) => a.title === "Replace with 'fast-json-parse'"), actions.map((a) => a.title).join(' | '));
  });

  it('Python: a made-up import, an undeclared one, a pin never released', async () => {
    const report = vscode.Uri.file(path.join(folder(), 'analysis', 'report.py'));
    await vscode.workspace.openTextDocument(report);
    assert.deepStrictEqual((await groundcheckDiagnostics(report, 2)).map(codeOf).sort(), ['missing-package', 'undeclared-dependency']);
    const requirements = vscode.Uri.file(path.join(folder(), 'analysis', 'requirements.txt'));
    await vscode.workspace.openTextDocument(requirements);
    assert.deepStrictEqual((await groundcheckDiagnostics(requirements, 2)).map(codeOf).sort(), ['missing-package', 'missing-version']);
  });

  it('package.json: a made-up dependency and an impossible range; a broken one says so', async () => {
    const manifest = vscode.Uri.file(path.join(folder(), 'package.json'));
    await vscode.workspace.openTextDocument(manifest);
    assert.deepStrictEqual((await groundcheckDiagnostics(manifest, 2)).map(codeOf).sort(), ['missing-package', 'missing-version']);
    const broken = vscode.Uri.file(path.join(folder(), 'broken', 'package.json'));
    await vscode.workspace.openTextDocument(broken);
    assert.deepStrictEqual((await groundcheckDiagnostics(broken, 1)).map(codeOf), ['manifest-unreadable']);
  });
});

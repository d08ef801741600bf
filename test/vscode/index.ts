/**
 * The extension-host suite: runs inside a real VS Code's extension host, with the extension under
 * development loaded and the tour (test/fixtures/tour) open. One suite, two launchers:
 * `npm run test:vscode` (@vscode/test-electron, VS Code desktop; scripts/test-vscode.ts) and the
 * code-server e2e test (a harness extension calls this same `run`; test/e2e/vscode.e2e.ts).
 */
import * as path from 'path';
import Mocha = require('mocha');

export function run(): Promise<void> {
  // GROUNDCHECK_SUITE_REPORT: also write mocha's JSON report there (the code-server launcher reads it).
  const report = process.env.GROUNDCHECK_SUITE_REPORT;
  const mocha = new Mocha({ ui: 'bdd', timeout: 90_000, color: false, ...(report ? { reporter: 'json', reporterOptions: { output: report } } : {}) });
  mocha.addFile(path.join(__dirname, 'tour.suite.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
  });
}

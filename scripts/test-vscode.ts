/**
 * `npm run test:vscode`: the extension-host suite (test/vscode) in VS Code desktop, launched the way
 * VS Code extension contributors expect, with @vscode/test-electron, on the tour with loopback
 * registries. Where VS Code cannot be downloaded (no access to update.code.visualstudio.com), it
 * says so in one line and exits 3, not 1: that is not a test failure. CI runs the same suite in
 * code-server instead (npm run test:e2e).
 */
import * as path from 'path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { prepareTour } from './support/tour';

const ROOT = path.resolve(__dirname, '..', '..');
const CANNOT_DOWNLOAD = 3;

async function main(): Promise<number> {
  let vscodeExecutablePath: string;
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({ version: process.env.GROUNDCHECK_VSCODE_VERSION ?? 'stable', timeout: 30_000 });
  } catch (e) {
    console.error(`test:vscode: VS Code could not be downloaded (${(e as Error).message.split('\n')[0]}); npm run test:e2e runs the same suite in code-server.`);
    return CANNOT_DOWNLOAD;
  }
  const tour = await prepareTour({ offline: true });
  try {
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(ROOT, 'out', 'test', 'vscode', 'index.js'),
      extensionTestsEnv: tour.env,
      launchArgs: [tour.root, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
    return 0;
  } catch (e) {
    console.error(`test:vscode: ${(e as Error).message}`);
    return 1;
  } finally {
    await tour.stop();
  }
}

main().then((code) => process.exit(code));

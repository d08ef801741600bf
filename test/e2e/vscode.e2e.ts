/**
 * The extension in a real editor: code-server (VS Code 1.100's workbench with a Node extension
 * host) with the packaged .vsix installed, driven through Debian's Chromium by playwright-core.
 * Code with a made-up import is inserted as an assistant would; the test then reads the editor's
 * own UI: the squiggle, the hover, the Problems panel, and the quick fix that replaces the name.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { Verdaccio } from '../support/verdaccio';
import { copyFixture } from '../support/workspace';
import { installCodeServer, launchEditor, ROOT, type Editor } from '../../scripts/support/editor';
import { prepareTour } from '../../scripts/support/tour';

// The tracked screenshot in docs/ is rewritten only when asked (GROUNDCHECK_UPDATE_SCREENSHOT=1);
// otherwise it goes to a temp folder, and the path is printed.
const SHOTS = process.env.GROUNDCHECK_UPDATE_SCREENSHOT === '1' ? path.join(ROOT, 'docs') : fs.mkdtempSync(path.join(os.tmpdir(), 'gc-e2e-shot-'));
const SCREENSHOT = path.join(SHOTS, 'groundcheck-in-vscode.png');
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

async function openBrowser(url: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), 'gc-chromium-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1400, height: 850 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  return { context, page };
}

/** Opens a file through Quick Open, as a user would. */
async function quickOpen(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(name);
  // (wait for this search's result, not a row left from the last one)
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: path.basename(name) }).first().waitFor({ state: 'visible', timeout: 20_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active').filter({ hasText: path.basename(name) }).first().waitFor({ state: 'visible', timeout: 20_000 });
}

describe('Groundcheck in a real VS Code (code-server + Chromium)', function () {
  this.timeout(10 * 60_000);
  let registry: Verdaccio;
  let editor: Editor | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let workspace: string;

  before(async () => {
    const codeServer = installCodeServer({ allowApt: true });
    registry = await Verdaccio.start();
    // What the fixture's package.json declares: VS Code may open package.json by itself (an
    // extension reading it, at a moment of its choosing), and the server then checks it too; the
    // count below is of the made-up import alone (when it was open, 'express' missing from this
    // registry made it 2: the test failed now and then).
    await Promise.all([registry.publish('fast-json-parse', '1.0.3'), registry.publish('express', '4.19.2')]);
    workspace = copyFixture('e2e-app');
    fs.writeFileSync(path.join(workspace, '.npmrc'), `registry=${registry.url}\n`);
    editor = await launchEditor({ codeServer, folder: workspace });
    ({ context, page } = await openBrowser(editor.url));
  });

  after(async () => {
    await context?.close();
    await editor?.stop();
    await registry?.stop();
  });

  it('underlines a made-up import, explains it on hover and in Problems, and fixes it', async () => {
    await quickOpen(page, 'app.js');
    await page.locator('.monaco-editor .view-lines').first().waitFor();

    // An assistant inserts a whole block at the top in one edit.
    await page.keyboard.press('Control+Home');
    await page.keyboard.insertText("import { parse } from 'fast-json-parser-v2';\n");
    const squiggle = page.locator('.monaco-editor .squiggly-error').first();
    await squiggle.waitFor({ state: 'attached', timeout: 60_000 });

    // Hover over the squiggle: the editor shows our message.
    const box = await squiggle.boundingBox();
    assert.ok(box, 'the squiggle is on screen');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover').filter({ hasText: 'fast-json-parser-v2' }).first();
    await hover.waitFor({ state: 'visible', timeout: 20_000 });
    const hoverText = await hover.innerText();
    assert.match(hoverText, /'fast-json-parser-v2' does not exist on the npm registry/);
    assert.match(hoverText, /Did you mean 'fast-json-parse'/);
    // The status bar item counts it.
    await page.locator('.statusbar-item').filter({ hasText: 'Groundcheck: 1' }).first().waitFor({ state: 'visible', timeout: 20_000 });
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    console.log(`screenshot: ${SCREENSHOT}`);

    // The Problems panel lists it.
    await page.mouse.move(5, 5);
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'fast-json-parser-v2' }).first();
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    assert.match(await page.locator('.markers-panel').innerText(), /groundcheck/);

    // Go to the problem and apply the preferred quick fix with Ctrl+. and Enter.
    await page.locator('.monaco-editor .view-lines').first().click({ position: { x: 400, y: 200 } }).catch(() => undefined);
    // The pointer off the text: a package name under it now has a hover card, and a hover that
    // opens can take the Escape meant for F8's problem widget, which then keeps Ctrl+. from the
    // editor (1 run in 4 failed so; 6 of 6 passed with the pointer moved away).
    await page.mouse.move(5, 5);
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('F8');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+.');
    const widget = page.locator('.action-widget');
    await widget.waitFor({ state: 'visible', timeout: 20_000 });
    const focused = await widget.locator('.monaco-list-row.focused').first().innerText();
    assert.match(focused, /Replace with 'fast-json-parse'/);
    await page.keyboard.press('Enter');

    // The editor text now imports the real package, and the squiggle goes away.
    // (a string: this runs in the page, which this file's TypeScript settings do not describe)
    await page.waitForFunction(`document.querySelector('.monaco-editor .view-lines')?.innerText.replace(/\\u00a0/g, ' ').includes("from 'fast-json-parse';")`, undefined, { timeout: 20_000 });
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'detached', timeout: 30_000 });
  });
});

describe('npm start: the tour in a real VS Code', function () {
  this.timeout(10 * 60_000);

  it('brings up the editor with the tour, and the Problems panel lists every kind of finding', async () => {
    // What `npm start` does (scripts/start.ts), with the public registry and PyPI out of reach: the
    // loopback ones stand in, as they do for a user who is offline.
    const codeServer = installCodeServer({ allowApt: true });
    const tour = await prepareTour({ offline: true });
    const editor = await launchEditor({ codeServer, folder: tour.root, env: tour.env, groundcheck: tour.settings, tour: true });
    const { context, page } = await openBrowser(editor.url);
    try {
      for (const file of ['server.ts', 'report.py', 'requirements.txt', 'explore.ipynb', 'broken/package.json', 'package.json']) await quickOpen(page, file);
      await page.keyboard.press('Control+Shift+M');
      const panel = page.locator('.markers-panel');
      await panel.waitFor({ state: 'visible', timeout: 20_000 });
      // The list only renders the rows on screen: give the panel the whole window.
      await page.keyboard.press('F1');
      await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
      await page.keyboard.type('View: Toggle Maximized Panel');
      await page.waitForSelector('.quick-input-list .monaco-list-row');
      await page.keyboard.press('Enter');
      // Every finding kind the tour's open files hold, in the editor's own Problems panel.
      const wanted = ['fast-json-parser-v2', 'superMerge', 'useActionState', 'expres', 'cors', 'fastapi_utils_v3', 'pandas_advanced_transform', 'matches ==0.999.0', 'left-pad', 'cannot be parsed'];
      const shot = path.join(SHOTS, 'groundcheck-tour.png');
      try {
        for (const text of wanted) await panel.locator('.monaco-list-row').filter({ hasText: text }).first().waitFor({ state: 'attached', timeout: 60_000 });
        // unverified-package is a hint (not a Problems row): the status bar says it
        await page.locator('.statusbar-item').filter({ hasText: 'unverified' }).first().waitFor({ state: 'visible', timeout: 20_000 });
      } finally {
        await page.screenshot({ path: shot });
        console.log(`screenshot: ${shot}`);
      }
    } finally {
      await context.close();
      await editor.stop();
      await tour.stop();
    }
  });
});

describe('the extension-host suite in code-server (the same suite npm run test:vscode runs)', function () {
  this.timeout(10 * 60_000);

  it('passes', async () => {
    const codeServer = installCodeServer({ allowApt: true });
    const tour = await prepareTour({ offline: true });
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-harness-'));
    const report = path.join(scratch, 'report.json');
    const result = path.join(scratch, 'result.txt');
    const editor = await launchEditor({
      codeServer, folder: tour.root, groundcheck: tour.settings, tour: true,
      env: { ...tour.env, GROUNDCHECK_SUITE_REPORT: report, GROUNDCHECK_SUITE_RESULT: result },
      extraExtensions: [harnessVsix(scratch)],
    });
    // The extension host starts when a workbench connects.
    const { context } = await openBrowser(editor.url);
    try {
      const deadline = Date.now() + 5 * 60_000;
      while (!fs.existsSync(result) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500)); // the suite writes it when done
      assert.ok(fs.existsSync(result), `the suite did not finish:\n${editor.log.join('')}`);
      const outcome = fs.readFileSync(result, 'utf8');
      const json = fs.existsSync(report) ? (JSON.parse(fs.readFileSync(report, 'utf8')) as { stats: { passes: number; failures: number }; failures: { fullTitle: string; err: { message: string } }[] }) : undefined;
      assert.strictEqual(outcome, 'passed', `${outcome}\n${(json?.failures ?? []).map((f) => `${f.fullTitle}: ${f.err.message}`).join('\n')}`);
      assert.ok(json && json.stats.passes >= 4 && json.stats.failures === 0, JSON.stringify(json?.stats));
    } finally {
      await context.close();
      await editor.stop();
      await tour.stop();
    }
  });
});

/**
 * A tiny extension that runs test/vscode's suite when the workbench starts and writes the outcome to
 * GROUNDCHECK_SUITE_RESULT: code-server's way to run what @vscode/test-electron runs on the desktop.
 */
function harnessVsix(dir: string): string {
  const ext = path.join(dir, 'harness');
  fs.mkdirSync(ext);
  const suite = path.join(ROOT, 'out', 'test', 'vscode', 'index.js');
  fs.writeFileSync(path.join(ext, 'package.json'), JSON.stringify({
    name: 'groundcheck-suite-harness', publisher: 'groundcheck', version: '0.0.1', license: 'MIT', engines: { vscode: '^1.85.0' },
    main: './extension.js', activationEvents: ['onStartupFinished'], repository: { type: 'git', url: 'https://example.invalid/harness.git' },
  }));
  fs.writeFileSync(path.join(ext, 'extension.js'), `const fs = require('fs');
exports.activate = async () => {
  const out = process.env.GROUNDCHECK_SUITE_RESULT;
  try {
    await require(${JSON.stringify(suite)}).run();
    fs.writeFileSync(out, 'passed');
  } catch (e) {
    fs.writeFileSync(out, 'failed: ' + ((e && e.stack) || e));
  }
};
`);
  fs.writeFileSync(path.join(ext, 'LICENSE'), 'MIT\n');
  fs.writeFileSync(path.join(ext, 'README.md'), 'Runs test/vscode in code-server.\n');
  const vsix = path.join(dir, 'harness.vsix');
  execFileSync(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'package', '--no-dependencies', '-o', vsix], { cwd: ext, stdio: 'pipe' });
  return vsix;
}

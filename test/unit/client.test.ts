/**
 * The VS Code client's pure logic, without VS Code: what the status bar says, how the Python
 * extension's interpreter fills the settings, the allowlist edit, the document selector.
 */
import * as assert from 'assert';
import { statusView } from '../../client/src/status';
import { allowListWith, DOCUMENT_SELECTOR, withPythonEnvironment } from '../../client/src/settings';
import type { StatusParams } from '../../shared/protocol';

const idle: StatusParams = { state: 'idle', findings: 0, unverified: 0, offline: false, degraded: false };

describe('client: status bar', () => {
  it('says checking, clean, findings, offline and degraded, each its own way', () => {
    const t = { trusted: true, offline: false };
    assert.strictEqual(statusView({ ...idle, state: 'checking' }, t).text, '$(sync~spin) Groundcheck');
    assert.strictEqual(statusView(idle, t).text, '$(check) Groundcheck');
    assert.strictEqual(statusView({ ...idle, findings: 3, lastCheckMs: 12 }, t).text, '$(error) Groundcheck: 3');
    assert.match(statusView({ ...idle, findings: 3, lastCheckMs: 12 }, t).tooltip, /last check 12 ms/);
    assert.strictEqual(statusView({ ...idle, unverified: 2 }, { trusted: true, offline: true }).text, '$(cloud-offline) Groundcheck: offline');
    assert.strictEqual(statusView({ ...idle, degraded: true, unverified: 4 }, t).text, '$(warning) Groundcheck: 4 unverified');
  });

  it('an invalid groundcheck.json wins over everything, in the error colour', () => {
    const v = statusView({ ...idle, state: 'checking', degraded: true, configErrors: 2 }, { trusted: true, offline: true });
    assert.deepStrictEqual([v.text, v.error], ['$(error) Groundcheck: invalid groundcheck.json', true]);
    assert.match(v.tooltip, /fail closed/);
    assert.strictEqual(statusView(idle, { trusted: true, offline: false }).error, false);
  });

  it('restricted mode says what it withholds', () => {
    assert.match(statusView(idle, { trusted: false, offline: false }).tooltip, /restricted mode: .*never its credentials/);
    assert.doesNotMatch(statusView(idle, { trusted: true, offline: false }).tooltip, /restricted/);
  });
});

describe('client: settings', () => {
  it('fills the Python environment from the selected interpreter only when the user set none', () => {
    assert.deepStrictEqual(withPythonEnvironment('groundcheck', { allow: [] }, '/p/.venv/bin/python'), { allow: [], python: { environment: '/p/.venv/bin/python' } });
    assert.deepStrictEqual(withPythonEnvironment('groundcheck', { python: { environment: 'mine' } }, '/other'), { python: { environment: 'mine' } });
    assert.deepStrictEqual(withPythonEnvironment('groundcheck', { allow: [] }, undefined), { allow: [] });
    assert.deepStrictEqual(withPythonEnvironment('editor', { tabSize: 2 }, '/p'), { tabSize: 2 });
    assert.strictEqual(withPythonEnvironment('groundcheck', null, '/p'), null);
  });

  it('allowing a name appends it once', () => {
    assert.deepStrictEqual(allowListWith(undefined, 'left-pad'), ['left-pad']);
    assert.deepStrictEqual(allowListWith(['a'], 'b'), ['a', 'b']);
    assert.strictEqual(allowListWith(['a', 'b'], 'b'), undefined);
  });

  it('gives the server source files, notebook cells and every dependency file it checks', () => {
    const patterns = DOCUMENT_SELECTOR.map((s) => ('pattern' in s ? s.pattern : `${s.scheme}:${s.language}`));
    for (const want of ['file:typescript', 'untitled:javascriptreact', 'vscode-notebook-cell:python', '**/requirements*.{txt,in}', '**/pyproject.toml', '**/package.json']) assert.ok(patterns.includes(want), want);
  });
});

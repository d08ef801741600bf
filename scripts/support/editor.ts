/**
 * A real VS Code workbench with the packaged extension: code-server 4.100.3 (installed once per
 * machine into ~/.cache/groundcheck-e2e by test/e2e/install-code-server.sh), a scratch profile, the
 * .vsix installed into it, a folder open. `npm start` prints its URL for your browser; the e2e test
 * drives the same thing with Chromium.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { freePort } from '../../test/support/verdaccio';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const VSIX = path.join(ROOT, 'groundcheck.vsix');
export const CODE_SERVER_VERSION = '4.100.3';
const INSTALL_SCRIPT = path.join(ROOT, 'test', 'e2e', 'install-code-server.sh');

/**
 * What code-server's install needs from the system (it builds one native module, for Kerberos),
 * and what is missing of it. Nothing is installed here: `npm start` never asks for root.
 */
export function missingPrerequisites(): string[] {
  const missing: string[] = [];
  const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
  if (!has('rg')) missing.push('ripgrep');
  if (!fs.existsSync('/usr/include/krb5.h') && !fs.existsSync('/usr/include/krb5/krb5.h') && !has('krb5-config')) missing.push('libkrb5-dev');
  for (const tool of ['make', 'g++', 'python3']) if (!has(tool)) missing.push(tool === 'g++' ? 'g++' : tool);
  return missing;
}

/** The code-server binary, installing it on first use (`allowApt`: the CI machine may apt-get its prerequisites). */
export function installCodeServer(options: { allowApt: boolean }): string {
  const env = { ...process.env, ...(options.allowApt ? {} : { GROUNDCHECK_E2E_NO_APT: '1' }) };
  return execFileSync('bash', [INSTALL_SCRIPT], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()!;
}

async function waitForHealth(url: string, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.get(url, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.setTimeout(1000, () => req.destroy());
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250)); // polling start-up
  }
  throw new Error(`code-server did not become healthy at ${url}`);
}

export interface Editor {
  /** Open this in a browser: the workbench with the folder. */
  url: string;
  log: string[];
  stop(): Promise<void>;
}

export interface EditorOptions {
  codeServer: string;
  folder: string;
  /** The server's environment (registries, cache). */
  env?: NodeJS.ProcessEnv;
  /** `groundcheck.*` settings for the user profile. */
  groundcheck?: Record<string, unknown>;
  /** 0: any free port. */
  port?: number;
  /**
   * The tour is not installed (no node_modules): TypeScript's own "Cannot find module" errors on
   * every import would bury Groundcheck's findings, so its validation is off in this profile.
   */
  tour?: boolean;
  /** Other .vsix files to install beside Groundcheck's (the e2e test's suite harness). */
  extraExtensions?: string[];
}

export async function launchEditor(o: EditorOptions): Promise<Editor> {
  if (!fs.existsSync(VSIX)) throw new Error(`${VSIX} is missing: npm run package`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-editor-'));
  const userData = path.join(scratch, 'user-data');
  const extensions = path.join(scratch, 'extensions');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  // A quiet, fast workbench: no type acquisition, git, telemetry or start-up editors.
  const settings: Record<string, unknown> = {
    'typescript.disableAutomaticTypeAcquisition': true,
    'git.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'security.workspace.trust.enabled': false,
    'extensions.autoUpdate': false,
    'editor.hover.delay': 100,
    ...(o.tour ? { 'typescript.validate.enable': false, 'javascript.validate.enable': false, 'workbench.editor.enablePreview': false, 'json.schemaDownload.enable': false } : {}),
  };
  // Settings are flat keys (`groundcheck.python.indexUrl`), as the extension contributes them.
  const flatten = (prefix: string, value: unknown): void => {
    if (value && typeof value === 'object' && !Array.isArray(value)) for (const [k, v] of Object.entries(value)) flatten(`${prefix}.${k}`, v);
    else settings[prefix] = value;
  };
  flatten('groundcheck', o.groundcheck ?? {});
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const env = { ...(o.env ?? process.env), HOME: scratch, XDG_CONFIG_HOME: path.join(scratch, 'config'), XDG_DATA_HOME: path.join(scratch, 'data'), XDG_CACHE_HOME: o.env?.XDG_CACHE_HOME ?? path.join(scratch, 'cache') };
  const common = ['--user-data-dir', userData, '--extensions-dir', extensions, '--config', '/dev/null'];
  for (const vsix of [VSIX, ...(o.extraExtensions ?? [])]) execFileSync(o.codeServer, [...common, '--install-extension', vsix], { env, stdio: 'pipe' });

  const port = o.port || (await freePort());
  const log: string[] = [];
  const server: ChildProcess = spawn(
    o.codeServer,
    [...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--ignore-last-opened', o.folder],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }, // its own process group, killed whole at the end
  );
  server.stdout!.on('data', (d: Buffer) => log.push(d.toString()));
  server.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
  const stop = async () => {
    if (server.pid && server.exitCode === null) {
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    fs.rmSync(scratch, { recursive: true, force: true });
  };
  try {
    await waitForHealth(`http://127.0.0.1:${port}/healthz`, 60_000);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${log.join('')}`);
  }
  return { url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(o.folder)}`, log, stop };
}

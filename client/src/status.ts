/**
 * What the status bar says for a server status: pure, so it is unit-tested without VS Code
 * (test/unit/client.test.ts); status bar items are set from it in context.ts.
 */
import type { StatusParams } from '../../shared/protocol';

export interface StatusView {
  text: string;
  tooltip: string;
  /** Shown with the error background. */
  error: boolean;
}

export function statusView(s: StatusParams, opts: { trusted: boolean; offline: boolean }): StatusView {
  let view: StatusView;
  if (s.configErrors) {
    // A broken groundcheck.json changes what is checked (and fails closed for private scopes): say so first.
    view = {
      text: '$(error) Groundcheck: invalid groundcheck.json',
      tooltip: `${s.configErrors} problem(s) in groundcheck.json; see the Problems panel. Private scopes fail closed until it is fixed.`,
      error: true,
    };
  } else if (s.state === 'checking') {
    view = { text: '$(sync~spin) Groundcheck', tooltip: 'Checking imports against the registry', error: false };
  } else if (opts.offline || s.offline) {
    view = { text: '$(cloud-offline) Groundcheck: offline', tooltip: `Offline: ${s.unverified} import(s) could not be verified`, error: false };
  } else if (s.degraded) {
    view = { text: `$(warning) Groundcheck: ${s.unverified} unverified`, tooltip: 'The registry did not answer for some names; they are reported as unverified, never as missing.', error: false };
  } else {
    view = {
      text: s.findings > 0 ? `$(error) Groundcheck: ${s.findings}` : '$(check) Groundcheck',
      tooltip: `${s.findings} finding(s) in open files${s.lastCheckMs !== undefined ? `; last check ${s.lastCheckMs} ms` : ''}`,
      error: false,
    };
  }
  if (!opts.trusted) view.tooltip += " (restricted mode: only the registry lines of the workspace's .npmrc are used, never its credentials)";
  return view;
}

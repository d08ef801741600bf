/** The interpreter selected in the Python extension (ms-python.python), when it is installed. */
import * as vscode from 'vscode';

interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
}

export class PythonEnvironments {
  private api: Promise<PythonExtensionApi | undefined> | undefined;

  /** `onChange`: a different interpreter means different installed packages (the server re-reads). */
  constructor(private readonly log: vscode.LogOutputChannel, private readonly onChange: () => void) {}

  async selected(scopeUri: string | undefined): Promise<string | undefined> {
    this.api ??= (async () => {
      const ext = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
      if (!ext) return undefined;
      try {
        const api = ext.isActive ? ext.exports : await ext.activate();
        api?.environments?.onDidChangeActiveEnvironmentPath?.(() => this.onChange());
        return api;
      } catch (e) {
        this.log.warn(`could not read the Python extension's interpreter: ${(e as Error).message}`);
        return undefined;
      }
    })();
    const api = await this.api;
    return api?.environments?.getActiveEnvironmentPath(scopeUri ? vscode.Uri.parse(scopeUri) : undefined)?.path;
  }
}

/**
 * Did-you-mean fixes on TypeScript's own "has no exported member" / "property does not exist"
 * diagnostics. Where TypeScript already reports an unknown export, the server publishes no second
 * diagnostic; this provider asks it for the names it would have suggested and offers them on
 * TypeScript's squiggle. The names come from the server: nothing is analysed here.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ExportSuggestionsRequest, TYPESCRIPT_EXPORT_CODES, type ExportSuggestionsParams } from '../../shared/protocol';

const codeOf = (d: vscode.Diagnostic) => Number(typeof d.code === 'object' ? d.code.value : d.code);

export class TypeScriptExportFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly client: () => LanguageClient | undefined) {}

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext, token: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    const client = this.client();
    const relevant = context.diagnostics.filter((d) => (d.source === 'ts' || d.source === 'typescript') && TYPESCRIPT_EXPORT_CODES.includes(codeOf(d)));
    if (!client || relevant.length === 0) return [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of relevant) {
      const params: ExportSuggestionsParams = { uri: document.uri.toString(), range: client.code2ProtocolConverter.asRange(diagnostic.range) };
      const answer = await client.sendRequest(ExportSuggestionsRequest, params, token);
      // Suggestions for an older version of the text would edit the wrong place.
      if (!answer || token.isCancellationRequested || answer.version !== document.version) continue;
      answer.suggestions.forEach((suggestion, i) => {
        const action = new vscode.CodeAction(`Replace with '${suggestion}' (Groundcheck)`, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.isPreferred = i === 0;
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(document.uri, diagnostic.range, suggestion);
        actions.push(action);
      });
    }
    return actions;
  }
}

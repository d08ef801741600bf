/** `groundcheck-lsp --stdio`: the language server for any LSP client. */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../lsp/server';

startServer(createConnection(ProposedFeatures.all));

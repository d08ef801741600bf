// Compiled only when a file of core/ imports an editor or protocol package (see ../tsconfig.json).
// core/ is editor-agnostic: put the code that needs VS Code or LSP types in server/src/lsp or client/.
const rule: 'core/ may not import vscode, vscode-languageserver* or vscode-languageclient: move this code to server/src/lsp' = 'violated';
export default rule;

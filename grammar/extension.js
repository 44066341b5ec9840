// The Kinerja extension for VS Code. Highlighting needs no code: package.json points VS Code at
// kinerja.tmLanguage.json. This file only starts the language server over stdio, `kinerja lsp` by
// default (the setting `kinerja.command`), for the catalogs (.kin) of the open folder.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate() {
  const [command, ...args] = vscode.workspace.getConfiguration('kinerja').get('command', ['kinerja', 'lsp']);
  const serverOptions = { command, args };
  const clientOptions = { documentSelector: [{ scheme: 'file', language: 'kinerja' }] };
  client = new LanguageClient('kinerja', 'Kinerja', serverOptions, clientOptions);
  client.start().catch((error) => {
    // highlighting still works; say why the rest does not (not installed, not on the PATH)
    vscode.window.showErrorMessage(`Kinerja: could not start \`${[command, ...args].join(' ')}\`: ${error.message}. ` +
      "Install it with pip install -e '.[lsp]' or set kinerja.command.");
  });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };

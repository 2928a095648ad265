// The proviso extension: the grammar and language configuration are
// declared in package.json; this starts `proviso lsp` for .contract files.
"use strict";
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("proviso");
  const command = config.get("path") || "proviso";
  const asOf = config.get("asOf");
  client = new LanguageClient(
    "proviso",
    "proviso",
    { command, args: ["lsp"] },
    {
      documentSelector: [{ language: "proviso" }],
      initializationOptions: {
        topologies: config.get("topologies") || [],
        ...(asOf ? { asOf } : {}),
      },
    }
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };

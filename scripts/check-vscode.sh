#!/usr/bin/env bash
# Builds and packages editors/vscode with @vscode/vsce, so the extension is
# known to build. The extension's npm dependencies and the tools are
# installed once under target/ (gitignored) and reused while package.json
# is unchanged. Prints the .vsix's file list.
set -euo pipefail
cd "$(dirname "$0")/.."

tools=target/editor-tools
build=target/vscode-build
if [ ! -x "$tools/node_modules/.bin/vsce" ] || [ ! -d "$tools/node_modules/vscode-textmate" ]; then
  npm install --prefix "$tools" --no-audit --no-fund --silent @vscode/vsce@3 vscode-textmate@9 vscode-oniguruma@2
fi

# A fresh copy of the sources beside the cached node_modules.
mkdir -p "$build"
find "$build" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name .stamp -exec rm -rf {} +
cp -R editors/vscode/. "$build/"
stamp=$(sha256sum editors/vscode/package.json | cut -d' ' -f1)
if [ ! -d "$build/node_modules" ] || [ "$(cat "$build/.stamp" 2>/dev/null)" != "$stamp" ]; then
  (cd "$build" && npm install --omit=dev --no-audit --no-fund --silent)
  echo "$stamp" > "$build/.stamp"
fi
# The client's one dependency resolves (it needs VS Code itself to load).
node -e 'require.resolve(process.argv[1] + "/node_modules/vscode-languageclient/node")' "$(pwd)/$build"
vsix=$(pwd)/target/proviso.vsix
(cd "$build" && "../../$tools/node_modules/.bin/vsce" package --allow-missing-repository --out "$vsix" < /dev/null > "$vsix.log") \
  || { cat "$vsix.log" >&2; exit 1; }
# The package must hold the manifest, the grammar, the language
# configuration and the client.
listing=$(cd "$build" && "../../$tools/node_modules/.bin/vsce" ls < /dev/null)
for f in package.json syntaxes/proviso.tmLanguage.json language-configuration.json extension.js; do
  grep -qx "$f" <<<"$listing" || { echo "check-vscode: $f is not packaged" >&2; exit 1; }
done
echo "check-vscode: $(basename "$vsix") built ($(wc -c < "$vsix") bytes)"

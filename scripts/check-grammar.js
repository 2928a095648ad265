// Tokenises every fixtures/**/*.contract with the TextMate grammar of
// editors/vscode, through vscode-textmate and vscode-oniguruma: the very
// engine VS Code (and GitHub's Linguist-style highlighters) run.
//
// - Every fixture must tokenise (no grammar error, no runaway line).
// - In the agreements that parse (fixtures/contracts, fixtures/v1,
//   fixtures/bench/agreement.contract), no character may be left to the
//   grammar's catch-all `invalid.illegal` rule, and no non-blank text may
//   be left with only the root scope.
// - A few tokens of azure-openai.contract get the scope they must.
//
// Usage: node scripts/check-grammar.js TOOLS_DIR (where the two npm
// packages are installed).
"use strict";
const fs = require("fs");
const path = require("path");

const tools = path.resolve(process.argv[2] || "target/editor-tools");
const req = (name) => require(path.join(tools, "node_modules", name));
const vsctm = req("vscode-textmate");
const oniguruma = req("vscode-oniguruma");

const root = path.resolve(__dirname, "..");
const grammarPath = path.join(root, "editors/vscode/syntaxes/proviso.tmLanguage.json");

function walk(dir, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (entry.name.endsWith(".contract")) out.push(p);
  }
  return out;
}

async function main() {
  const wasm = fs.readFileSync(path.join(tools, "node_modules/vscode-oniguruma/release/onig.wasm")).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (s) => new oniguruma.OnigScanner(s),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      scope === "source.proviso"
        ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath)
        : null,
  });
  const grammar = await registry.loadGrammar("source.proviso");
  if (!grammar) throw new Error("the grammar does not load");

  const files = walk(path.join(root, "fixtures"), []);
  const strict = (f) => {
    const rel = path.relative(root, f).split(path.sep).join("/");
    return rel.startsWith("fixtures/contracts/") || rel.startsWith("fixtures/v1/") || rel === "fixtures/bench/agreement.contract";
  };
  let passed = 0;
  const failures = [];
  const scopesOf = {};
  for (const file of files) {
    const rel = path.relative(root, file);
    const text = fs.readFileSync(file, "utf8");
    let stack = vsctm.INITIAL;
    const problems = [];
    text.split(/\r?\n/).forEach((line, i) => {
      const r = grammar.tokenizeLine(line, stack, 2000);
      if (r.stoppedEarly) problems.push(`${rel}:${i + 1}: tokenising stopped early`);
      for (const t of r.tokens) {
        const piece = line.slice(t.startIndex, t.endIndex);
        if (rel.endsWith("azure-openai.contract")) (scopesOf[piece] ||= new Set()).add(t.scopes.join(" "));
        if (!strict(file) || piece.trim() === "") continue;
        if (t.scopes.some((s) => s.startsWith("invalid."))) problems.push(`${rel}:${i + 1}:${t.startIndex + 1}: \`${piece}\` is invalid`);
        else if (t.scopes.length === 1) problems.push(`${rel}:${i + 1}:${t.startIndex + 1}: \`${piece}\` is not matched`);
      }
      stack = r.ruleStack;
    });
    if (problems.length) failures.push(...problems);
    else passed++;
  }
  const expect = [
    ["must", "keyword.control.modal.proviso"],
    ["define", "keyword.other.define.proviso"],
    ["frontier", "entity.name.type.definition.proviso"],
    ["4.2", "entity.name.section.clause-id.proviso"],
    ["2019-07-22", "constant.numeric.date.proviso"],
    ["API access to models routes via Azure", "string.quoted.double.proviso"],
    ["# The exclusivity as reaffirmed: it covers stateless API calls.", "comment.line.number-sign.proviso"],
    ["80%", "constant.numeric.proviso"],
    ["api-gateway", "variable.other.name.proviso"],
  ];
  let checks = 0;
  for (const [piece, scope] of expect) {
    const seen = [...(scopesOf[piece] || [])];
    if (seen.some((s) => s.split(" ").includes(scope))) checks++;
    else failures.push(`\`${piece}\` in azure-openai.contract has scopes [${seen.join("; ")}], not ${scope}`);
  }
  for (const f of failures) console.error(f);
  console.log(`grammar: ${files.length} fixtures tokenised, ${checks} scope checks`);
  console.log(`${passed + checks} passed, ${failures.length} failed`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

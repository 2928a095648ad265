#!/usr/bin/env node
// Fails (exit 1) when Microsoft's SARIF validator found a problem.
//
// `sarif-multitool validate` exits 0 even when it reports errors, so CI
// reads the validator's own SARIF log instead: any error-level result or
// notification fails, as does a failed invocation, and so does any
// warning not listed in ALLOWED below (each one with its reason).
//
// Known blind spot, measured with multitool 5.7.0: a file it cannot
// deserialize at all (such as a result level of "fatal") is skipped
// without any result. proviso writes SARIF from serde-sarif's typed enums,
// so such a value cannot be produced; schema-level mistakes (a missing
// message, a line 0) are reported as JSON1xxx errors and fail here.
//
// Usage: node scripts/check-sarif-validation.js VALIDATOR-LOG.sarif

"use strict";

const fs = require("fs");

// Warnings we leave, and why.
const ALLOWED = {
  // "The tool does not provide 'informationUri'": proviso takes it from
  // Cargo.toml's `homepage`/`repository`, and the package declares neither
  // yet; we do not invent an address. Declaring one removes the warning.
  SARIF2005: true,
};

function main(path) {
  const log = JSON.parse(fs.readFileSync(path, "utf8"));
  const problems = [];
  let allowed = 0;
  for (const run of log.runs || []) {
    const rules = (run.tool && run.tool.driver && run.tool.driver.rules) || [];
    const ruleLevel = (r) => {
      const rule =
        (r.ruleIndex !== undefined && rules[r.ruleIndex]) ||
        rules.find((x) => x.id === r.ruleId);
      return (rule && rule.defaultConfiguration && rule.defaultConfiguration.level) || "warning";
    };
    for (const inv of run.invocations || []) {
      if (inv.executionSuccessful === false) problems.push("the validator did not run successfully");
      for (const n of [...(inv.toolExecutionNotifications || []), ...(inv.toolConfigurationNotifications || [])]) {
        if ((n.level || "warning") === "error") problems.push(`validator: ${text(n.message)}`);
      }
    }
    for (const r of run.results || []) {
      const level = r.level || ruleLevel(r);
      const where = location(r);
      if (level === "error") {
        problems.push(`${where}: error ${r.ruleId}: ${text(r.message, rules, r)}`);
      } else if (level === "warning") {
        if (ALLOWED[r.ruleId]) allowed++;
        else problems.push(`${where}: warning ${r.ruleId} (not allowed): ${text(r.message, rules, r)}`);
      }
    }
  }
  for (const p of problems) console.error(p);
  console.log(`sarif validation: ${problems.length} problem(s), ${allowed} allowed warning(s)`);
  return problems.length === 0 ? 0 : 1;
}

function location(r) {
  const l = r.locations && r.locations[0] && r.locations[0].physicalLocation;
  if (!l) return "?";
  const line = l.region && l.region.startLine ? `:${l.region.startLine}` : "";
  return `${l.artifactLocation && l.artifactLocation.uri}${line}`;
}

function text(m, rules, r) {
  if (!m) return "";
  if (m.text) return m.text;
  const rule = rules && r && rules.find((x) => x.id === r.ruleId);
  const tmpl = rule && rule.messageStrings && rule.messageStrings[m.id];
  if (!tmpl) return `${m.id} ${(m.arguments || []).join(" ")}`;
  return tmpl.text.replace(/\{(\d+)\}/g, (_, i) => (m.arguments || [])[i] ?? "");
}

if (process.argv.length !== 3) {
  console.error("usage: check-sarif-validation.js VALIDATOR-LOG.sarif");
  process.exit(2);
}
process.exit(main(process.argv[2]));

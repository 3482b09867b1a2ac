#!/usr/bin/env node
// Times 匿名加工 in the wasm build (nodejs package, pkg-node/): first pass (statistics), search
// (finishScan) and second pass (output), streaming the file twice. Prints one JSON line.
//
//   node bench/anonymize_node.mjs POLICY.json IN.csv [OUT.csv]
//
// Hierarchy files named in the policy are read relative to it and put inline (the JS API takes
// inline rows, as the browser does).
import fs from "node:fs";
import path from "node:path";
import { args, deidKit, peakRssMb, pieces } from "./common.mjs";

const [POLICY, IN, OUT] = args(2, "anonymize_node.mjs POLICY.json IN.csv [OUT.csv]");
const { Session } = deidKit();
const BUILTIN = new Set(["age", "date", "postal", "address", "sex"]);

const policy = JSON.parse(fs.readFileSync(POLICY, "utf8"));
for (const rule of Object.values(policy.columns)) {
  if (rule.action === "generalize" && typeof rule.hierarchy === "string" && !BUILTIN.has(rule.hierarchy)) {
    const text = fs.readFileSync(path.join(path.dirname(POLICY), rule.hierarchy), "utf8");
    const delimiter = text.split("\n")[0].includes(";") ? ";" : ",";
    rule.hierarchy = text.split(/\r?\n/).filter((l) => l.trim()).map((l) => l.split(delimiter).map((c) => c.trim()));
  }
}

async function stream(session, sink) {
  for await (const chunk of pieces(IN)) {
    const out = session.push(chunk);
    if (sink && out.length) sink.push(out);
  }
}

const t0 = performance.now();
const scan = Session.scan(policy, null, {});
await stream(scan, null);
const t1 = performance.now();
const anonymization = scan.finishScan();
const t2 = performance.now();
const summary = anonymization.summary;
const second = Session.withAnonymization(policy, null, {}, anonymization);
const parts = [];
await stream(second, parts);
const { tail, report } = second.finish();
parts.push(tail);
const t3 = performance.now();
if (OUT) fs.writeFileSync(OUT, Buffer.concat(parts.map((p) => Buffer.from(p))));
console.log(JSON.stringify({
  rows: report.rows,
  levels: summary.levels,
  loss: summary.loss,
  suppressed: summary.suppressed,
  classes: summary.classes,
  checked: summary.checked,
  lattice: summary.lattice,
  first_pass_s: +((t1 - t0) / 1000).toFixed(3),
  search_s: +((t2 - t1) / 1000).toFixed(3),
  second_pass_s: +((t3 - t2) / 1000).toFixed(3),
  peak_rss_mb: peakRssMb(),
}));

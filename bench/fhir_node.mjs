#!/usr/bin/env node
// Runs deid-kit's wasm build (the nodejs package, pkg-node/) on a FHIR export in Node, both passes
// as the browser worker runs them, and prints one JSON line:
// {"resources_in", "resources_out", "rejected", "patients", "index_bytes", "seconds",
//  "seconds_scan", "resources_per_s", "mb_per_s", "peak_rss_mb"}.
//
//   node bench/fhir_node.mjs POLICY.json KEYFILE IN.ndjson OUT.ndjson
//
// Pass 1: Session.scan, every 1 MiB piece pushed, finishScan() (the patient index; for a policy
// with `privacy`, the k-anonymity search too). Pass 2: Session.withAnonymization(policy, key,
// options, scanned), every piece pushed and its output written. Memory is the patient index plus
// the piece size, not the file size. DEID_KIT_PKG overrides the package path.
import fs from "node:fs";
import { once } from "node:events";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";

const [POLICY, KEYFILE, IN, OUT] = process.argv.slice(2);
if (!OUT) {
  console.error("usage: fhir_node.mjs POLICY.json KEYFILE IN.ndjson OUT.ndjson");
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = process.env.DEID_KIT_PKG ?? path.join(here, "..", "pkg-node", "deid_kit.js");
const { Session } = createRequire(import.meta.url)(pkg);

// serde-wasm-bindgen may hand maps over as Map; accept plain objects and Maps alike.
const get = (o, k) => (o instanceof Map ? o.get(k) : o?.[k]);

const policy = JSON.parse(fs.readFileSync(POLICY, "utf8"));
const keyFile = new Uint8Array(fs.readFileSync(KEYFILE));
const pieces = () => fs.createReadStream(IN, { highWaterMark: 1 << 20 });

const t0 = process.hrtime.bigint();
let report;
let scanned = null;
let tScan;
try {
  const scan = Session.scan(policy, keyFile, {});
  for await (const chunk of pieces()) {
    if (scan.push(chunk).length) throw new Error("a scan wrote output");
  }
  scanned = scan.finishScan();
  scan.free();
  tScan = process.hrtime.bigint();

  const s = Session.withAnonymization(policy, keyFile, {}, scanned);
  const out = fs.createWriteStream(OUT);
  for await (const chunk of pieces()) {
    const bytes = s.push(chunk);
    if (bytes.length && !out.write(bytes)) await once(out, "drain");
  }
  const done = s.finish();
  report = get(done, "report");
  const tail = get(done, "tail");
  if (tail?.length) out.write(tail);
  out.end();
  await once(out, "finish");
  s.free();
} catch (e) {
  // DeidError: code (+ row / line); never a value or the key.
  console.error(`fhir_node: ${e?.code ?? ""} ${e?.message ?? e}${e?.row != null ? ` (row ${e.row})` : ""}`);
  process.exit(1);
} finally {
  scanned?.free();
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;

const rows = get(report, "rows");
const fhir = get(report, "fhir");
const resourcesIn = Number(get(rows, "in"));
console.log(JSON.stringify({
  resources_in: resourcesIn,
  resources_out: Number(get(rows, "out")),
  rejected: Number(get(rows, "rejected")),
  suppressed: Number(get(rows, "suppressed") ?? 0),
  patients: Number(get(fhir, "patients")),
  index_bytes: Number(get(fhir, "index_bytes")),
  seconds: +seconds.toFixed(3),
  seconds_scan: +(Number(tScan - t0) / 1e9).toFixed(3),
  resources_per_s: Math.round(resourcesIn / seconds),
  mb_per_s: +(fs.statSync(IN).size / seconds / 1e6).toFixed(1),
  peak_rss_mb: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
}));

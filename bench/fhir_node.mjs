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
import { args, deidKit, fail, get, peakRssMb, pieces, writeAll } from "./common.mjs";

const [POLICY, KEYFILE, IN, OUT] = args(4, "fhir_node.mjs POLICY.json KEYFILE IN.ndjson OUT.ndjson");
const { Session } = deidKit();

const policy = JSON.parse(fs.readFileSync(POLICY, "utf8"));
const keyFile = new Uint8Array(fs.readFileSync(KEYFILE));

const t0 = process.hrtime.bigint();
let report;
let scanned = null;
let tScan;
try {
  const scan = Session.scan(policy, keyFile, {});
  for await (const chunk of pieces(IN)) {
    if (scan.push(chunk).length) throw new Error("a scan wrote output");
  }
  scanned = scan.finishScan();
  scan.free();
  tScan = process.hrtime.bigint();

  const s = Session.withAnonymization(policy, keyFile, {}, scanned);
  report = await writeAll(s, IN, OUT);
  s.free();
} catch (e) {
  fail("fhir_node", e);
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
  peak_rss_mb: peakRssMb(),
}));

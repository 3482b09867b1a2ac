#!/usr/bin/env node
// Runs deid-kit's wasm build (the nodejs package, pkg-node/) in Node, streaming, and prints one
// JSON line: {"rows_in", "rows_out", "seconds", "rows_per_s", "peak_rss_mb"}.
//
//   node bench/wasm_node.mjs POLICY.json KEYFILE IN.csv OUT.csv
//
// Reads IN in 1 MiB pieces, hands each to Session.push and writes what comes back, so memory
// stays bounded by the piece size, not the file size. DEID_KIT_PKG overrides the package path.
import fs from "node:fs";
import { args, deidKit, fail, get, peakRssMb, writeAll } from "./common.mjs";

const [POLICY, KEYFILE, IN, OUT] = args(4, "wasm_node.mjs POLICY.json KEYFILE IN.csv OUT.csv");
const { Session } = deidKit();

const policy = JSON.parse(fs.readFileSync(POLICY, "utf8"));
const keyFile = new Uint8Array(fs.readFileSync(KEYFILE));

const t0 = process.hrtime.bigint();
let report;
try {
  report = await writeAll(new Session(policy, keyFile, {}), IN, OUT);
} catch (e) {
  fail("wasm_node", e);
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;

const rows = get(report, "rows");
const rowsIn = Number(get(rows, "in"));
const rowsOut = Number(get(rows, "out"));
console.log(JSON.stringify({
  rows_in: rowsIn,
  rows_out: rowsOut,
  seconds: +seconds.toFixed(3),
  rows_per_s: Math.round(rowsIn / seconds),
  peak_rss_mb: peakRssMb(),
}));

#!/usr/bin/env node
// Runs deid-kit's wasm build (the nodejs package, pkg-node/) in Node, streaming, and prints one
// JSON line: {"rows_in", "rows_out", "seconds", "rows_per_s", "peak_rss_mb"}.
//
//   node bench/wasm_node.mjs POLICY.json KEYFILE IN.csv OUT.csv
//
// Reads IN in 1 MiB pieces, hands each to Session.push and writes what comes back, so memory
// stays bounded by the piece size, not the file size. DEID_KIT_PKG overrides the package path.
import fs from "node:fs";
import { once } from "node:events";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";

const [POLICY, KEYFILE, IN, OUT] = process.argv.slice(2);
if (!OUT) {
  console.error("usage: wasm_node.mjs POLICY.json KEYFILE IN.csv OUT.csv");
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = process.env.DEID_KIT_PKG ?? path.join(here, "..", "pkg-node", "deid_kit.js");
const { Session } = createRequire(import.meta.url)(pkg);

// serde-wasm-bindgen may hand maps over as Map; accept plain objects and Maps alike.
const get = (o, k) => (o instanceof Map ? o.get(k) : o?.[k]);

const policy = JSON.parse(fs.readFileSync(POLICY, "utf8"));
const keyFile = new Uint8Array(fs.readFileSync(KEYFILE));

const t0 = process.hrtime.bigint();
let report;
try {
  const s = new Session(policy, keyFile, {});
  const out = fs.createWriteStream(OUT);
  for await (const chunk of fs.createReadStream(IN, { highWaterMark: 1 << 20 })) {
    const bytes = s.push(chunk);
    if (bytes.length && !out.write(bytes)) await once(out, "drain");
  }
  const done = s.finish();
  report = get(done, "report");
  const tail = get(done, "tail");
  if (tail?.length) out.write(tail);
  out.end();
  await once(out, "finish");
} catch (e) {
  // DeidError: code (+ row / column); never a cell value or the key.
  console.error(`wasm_node: ${e?.code ?? ""} ${e?.message ?? e}${e?.row != null ? ` (row ${e.row})` : ""}`);
  process.exit(1);
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
  peak_rss_mb: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
}));

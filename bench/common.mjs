// What the wasm benchmarks in Node (wasm_node.mjs, fhir_node.mjs, anonymize_node.mjs) share:
// their command line, loading the nodejs package (pkg-node/), reading the input in 1 MiB pieces,
// the output pass with backpressure, the error line and peak memory.
import fs from "node:fs";
import { once } from "node:events";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";

/** The script's arguments; with fewer than `required`, prints `usage` and exits 2. */
export function args(required, usage) {
  const given = process.argv.slice(2);
  if (given.length < required) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  return given;
}

/** The nodejs package's exports; DEID_KIT_PKG overrides its path. */
export function deidKit() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const pkg = process.env.DEID_KIT_PKG ?? path.join(here, "..", "pkg-node", "deid_kit.js");
  return createRequire(import.meta.url)(pkg);
}

// serde-wasm-bindgen may hand maps over as Map; accept plain objects and Maps alike.
export const get = (o, k) => (o instanceof Map ? o.get(k) : o?.[k]);

/** `file` read in 1 MiB pieces, so memory is bounded by the piece size, not the file size. */
export const pieces = (file) => fs.createReadStream(file, { highWaterMark: 1 << 20 });

/**
 * Pushes every piece of `input` into `session`, writes what comes back to `output` (waiting
 * when the stream is full), finishes and writes the tail: the report.
 */
export async function writeAll(session, input, output) {
  const out = fs.createWriteStream(output);
  for await (const chunk of pieces(input)) {
    const bytes = session.push(chunk);
    if (bytes.length && !out.write(bytes)) await once(out, "drain");
  }
  const done = session.finish();
  const tail = get(done, "tail");
  if (tail?.length) out.write(tail);
  out.end();
  await once(out, "finish");
  return get(done, "report");
}

/** Prints a DeidError's code, message and row (never a value or the key) and exits 1. */
export function fail(script, e) {
  console.error(`${script}: ${e?.code ?? ""} ${e?.message ?? e}${e?.row != null ? ` (row ${e.row})` : ""}`);
  process.exit(1);
}

export const peakRssMb = () => +(process.resourceUsage().maxRSS / 1024).toFixed(1);

// The Web Worker that owns the wasm package: the page posts {id, op, args}, gets {id, ok, result}
// or {id, ok: false, error}, and {id, progress} while a run goes. All computing happens here, never
// on the page's thread. Keeps the key file in memory only; nothing is persisted.
import init, * as kit from "./pkg/deid_kit.js";

const ready = init();
let keyFile = null;
let cancelled = false;

// suggestPolicy and previewFile look at the first 256 KiB of a file.
const SAMPLE_BYTES = 256 * 1024;
// Output is gathered in a Blob, folded every few MB so the worker's memory stays flat (the
// browser keeps large Blobs on disk).
const FOLD_BYTES = 8 << 20;
// Actions that need the site key.
const KEYED = new Set(["pseudonymize", "tokenize", "date_shift"]);

async function head(file, bytes = SAMPLE_BYTES) {
  return new Uint8Array(await file.slice(0, bytes).arrayBuffer());
}

function concat(a, b) {
  const all = new Uint8Array(a.length + b.length);
  all.set(a, 0);
  all.set(b, a.length);
  return all;
}

/** The plan applied to the first rows of a file: output headers and its first row (as UTF-8). */
async function sample({ file, policy, bytes }) {
  const p = structuredClone(policy);
  p.output = { ...(p.output ?? {}), encoding: "utf-8" };
  // Without a key, keyed columns are shown as "needs the key" rather than refused.
  const needsKey = [];
  if (!keyFile) {
    for (const [name, rule] of Object.entries(p.columns ?? {})) {
      if (KEYED.has(rule?.action)) {
        p.columns[name] = { action: "replace", value: "" };
        needsKey.push(name);
      }
    }
  }
  // The anonymization's levels are chosen over the whole file: the preview marks those columns.
  if (p.privacy) {
    delete p.privacy;
    for (const [name, rule] of Object.entries(p.columns ?? {})) {
      if (rule?.action === "generalize") p.columns[name] = { action: "replace", value: ANONYMIZED };
      else if (rule?.action === "keep") p.columns[name] = { action: "keep" };
    }
  }
  const session = new kit.Session(p, keyFile, {});
  try {
    const out = session.push(await head(file, bytes));
    const { tail, report } = session.finish();
    const all = concat(out, tail);
    const view = kit.previewFile(all, all.length, 1);
    return {
      headers: view.headers,
      row: view.rows[0] ?? null,
      rejected: report.rejected.find((r) => r.row === 1) ?? null,
      needsKey,
    };
  } finally {
    session.free();
  }
}

/** FHIR (NDJSON, Bundle): the file starts with `{` (after a BOM or white space). */
function isFhir(bytes) {
  for (const b of bytes) {
    if (b === 0xef || b === 0xbb || b === 0xbf || b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    return b === 0x7b;
  }
  return false;
}

/**
 * A FHIR file's facts in the shape of previewFile's: one "resource" column, its first lines cut
 * short. `bytes: 0` skips the before → after sample (a CSV view); the plan is the preset's paths.
 */
function fhirPreview(bytes, total) {
  const text = new TextDecoder().decode(bytes);
  const lines = text.split("\n").filter((l) => l.trim());
  const complete = Math.max(1, lines.length - 1);
  return {
    encoding: "utf-8", bom: bytes[0] === 0xef, line_ending: text.includes("\r\n") ? "crlf" : "lf", delimiter: ",",
    headers: ["resource"], rows: lines.slice(0, 5).map((l) => [l.length > 160 ? `${l.slice(0, 160)}…` : l]),
    bytes: 0, estimated_rows: Math.round(total / Math.max(1, bytes.length / complete)),
  };
}

/** Marks, in the before → after preview, a value the anonymization search will choose. */
const ANONYMIZED = "（k-匿名化）";

/** Throws the cancel error when the user pressed cancel. */
async function stopIfCancelled(reader) {
  if (cancelled) {
    await reader.cancel();
    throw Object.assign(new Error("cancelled"), { code: "cancelled" });
  }
}

/**
 * Streams `file` through `session.push`, handing each output to `onOutput`, posting progress
 * (bytes counted from `offset` of `total`) and stopping when the user cancels.
 */
async function pump(file, session, id, { offset = 0, total = file.size, onOutput = null } = {}) {
  const reader = file.stream().getReader();
  let bytes = 0;
  let lastPost = 0;
  const post = () => self.postMessage({ id, progress: { bytes: offset + bytes, total, rows: session.rowsIn } });
  for (;;) {
    const { value, done } = await reader.read();
    await stopIfCancelled(reader);
    if (done) break;
    const out = session.push(value);
    onOutput?.(out);
    bytes += value.length;
    const now = performance.now();
    if (now - lastPost > 100) {
      lastPost = now;
      post();
    }
  }
  post();
}

/** 匿名加工's first pass: the whole file through a scan session; returns the search's result. */
async function scan(file, policy, options, id) {
  const session = kit.Session.scan(policy, keyFile, options);
  try {
    await pump(file, session, id, { total: file.size * 2 });
    return session.finishScan();
  } finally {
    session.free();
  }
}

async function run({ file, policy, optOut }, id) {
  cancelled = false;
  const options = { optOut: optOut ?? [] };
  const doc = typeof policy === "string" ? JSON.parse(policy) : policy;
  // 匿名加工 and FHIR take two passes (statistics, or the patients, first).
  const anonymizing = Boolean(doc.privacy) || ["ndjson", "bundle"].includes(doc.input?.format);
  const anonymization = anonymizing ? await scan(file, policy, options, id) : null;
  const session = anonymization
    ? kit.Session.withAnonymization(policy, keyFile, options, anonymization)
    : new kit.Session(policy, keyFile, options);
  let blob = new Blob([]);
  let parts = [];
  let held = 0;
  const onOutput = (out) => {
    parts.push(out);
    held += out.length;
    if (held > FOLD_BYTES) {
      blob = new Blob([blob, ...parts]);
      parts = [];
      held = 0;
    }
  };
  try {
    await pump(file, session, id, {
      offset: anonymizing ? file.size : 0,
      total: anonymizing ? file.size * 2 : file.size,
      onOutput,
    });
    const { tail, report, tokens } = session.finish();
    parts.push(tail);
    blob = new Blob([blob, ...parts], { type: report.fhir ? "application/x-ndjson" : "text/csv" });
    return { blob, report, tokens: tokens ?? null };
  } finally {
    session.free();
    anonymization?.free();
  }
}

const ops = {
  version: () => kit.version(),
  generateKey: () => {
    keyFile = kit.generateKey();
    return { keyFile: keyFile.slice(), fingerprint: kit.keyFingerprint(keyFile) };
  },
  loadKey: ({ bytes }) => {
    const fingerprint = kit.keyFingerprint(bytes); // throws DeidError if refused
    keyFile = bytes;
    return { fingerprint };
  },
  pseudonymize: ({ value, name }) => {
    if (!keyFile) throw Object.assign(new Error("no key loaded"), { code: "no_key" });
    return kit.pseudonymize(keyFile, value, { name });
  },
  inspect: async ({ file }) => {
    const bytes = await head(file);
    return isFhir(bytes) ? fhirPreview(bytes, file.size) : kit.previewFile(bytes, file.size, 5);
  },
  suggest: async ({ file, preset, referenceDate }) =>
    kit.suggestPolicy(await head(file), preset, referenceDate ? { referenceDate } : {}),
  sample,
  run,
  cancel: () => {
    cancelled = true;
  },
};

self.onmessage = async ({ data: { id, op, args } }) => {
  try {
    await ready;
    const result = await ops[op](args ?? {}, id);
    self.postMessage({ id, ok: true, result });
  } catch (e) {
    self.postMessage({
      id, ok: false,
      error: { name: e?.name, message: String(e?.message ?? e), code: e?.code ?? "error", row: e?.row, column: e?.column },
    });
  }
};
self.postMessage({ id: 0, ok: true, result: "loaded" });

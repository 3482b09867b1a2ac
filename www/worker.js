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
    bytes: 0, estimated_rows: Math.round(total / Math.max(1, bytes.length / complete)), fhir: true,
  };
}

/** Marks, in the before → after preview, a value the anonymization search will choose. */
const ANONYMIZED = "（k-匿名化）";
/** Marks, in the FHIR preview, a value only the key can make (the page shows it in its language). */
const NEEDS_KEY = "（鍵が必要）";

/** The resources of NDJSON lines or of a Bundle's entries; a line that is not JSON is null. */
function resourcesOf(bytes, bundle) {
  const text = new TextDecoder().decode(bytes);
  if (bundle) return (JSON.parse(text).entry ?? []).map((e) => e?.resource ?? null);
  return text.split("\n").filter((l) => l.trim()).map((l) => {
    try {
      return JSON.parse(l);
    } catch {
      return null;
    }
  });
}

/**
 * A FHIR file's first Patient and up to 3 resources of other types (those linked to it first),
 * before → after, through both passes as the run makes them (the patients, then the output) but
 * over the complete lines of the first 256 KiB only. A Bundle is previewed only when it fits.
 */
async function fhirSample({ file, policy }) {
  const p = structuredClone(policy);
  const bundle = p.input?.format === "bundle";
  if (bundle && file.size > SAMPLE_BYTES) return { tooBig: true };
  let bytes = await head(file);
  if (file.size > bytes.length) bytes = bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1);
  const needsKey = [];
  const anonymized = [];
  for (const [path, rule] of Object.entries(p.paths ?? {})) {
    if (!keyFile && KEYED.has(rule?.action)) {
      p.paths[path] = { action: "replace", value: NEEDS_KEY };
      needsKey.push(path);
    }
    // The levels are chosen over the whole file: the preview keeps the element and marks it.
    if (p.privacy && rule?.action === "generalize") {
      p.paths[path] = { action: "keep" };
      anonymized.push(path);
    }
  }
  delete p.privacy;
  const scanning = kit.Session.scan(p, keyFile, {});
  let patients;
  try {
    scanning.push(bytes);
    patients = scanning.finishScan();
  } finally {
    scanning.free();
  }
  const session = kit.Session.withAnonymization(p, keyFile, {}, patients);
  let out;
  let report;
  try {
    out = session.push(bytes);
    const done = session.finish();
    out = concat(out, done.tail);
    report = done.report;
  } finally {
    session.free();
    patients.free();
  }
  const after = resourcesOf(out, bundle);
  const rejected = new Map(report.rejected.map((r) => [r.row, r.reason]));
  let next = 0;
  const pairs = resourcesOf(bytes, bundle).map((before, i) => {
    const reason = rejected.get(i + 1) ?? null;
    return { index: i, before, after: reason === null ? after[next++] ?? null : null, rejected: reason };
  });
  for (const { after: resource } of pairs) {
    if (resource?.resourceType !== "Patient") continue;
    for (const path of anonymized) {
      const element = path.match(/^Patient\.(\w+)$/)?.[1];
      if (element && element in resource) resource[element] = ANONYMIZED;
    }
  }
  const patient = pairs.find((x) => x.before?.resourceType === "Patient");
  const ref = patient ? JSON.stringify(`Patient/${patient.before.id}`) : null;
  const shown = patient ? [patient] : [];
  const linked = (x) => ref !== null && JSON.stringify(x.before).includes(ref);
  for (const wanted of [linked, () => true]) {
    for (const x of pairs) {
      const type = x.before?.resourceType;
      if (shown.length < 4 && !shown.some((s) => s.before?.resourceType === type) && wanted(x)) shown.push(x);
    }
  }
  return { pairs: shown, needsKey, anonymized, marks: { needsKey: NEEDS_KEY, anonymized: ANONYMIZED } };
}

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
  fhirSample,
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

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

async function run({ file, policy, optOut }, id) {
  cancelled = false;
  const session = new kit.Session(policy, keyFile, { optOut: optOut ?? [] });
  const reader = file.stream().getReader();
  let blob = new Blob([]);
  let parts = [];
  let held = 0;
  let bytes = 0;
  let lastPost = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (cancelled) {
        await reader.cancel();
        throw Object.assign(new Error("cancelled"), { code: "cancelled" });
      }
      if (done) break;
      const out = session.push(value);
      bytes += value.length;
      parts.push(out);
      held += out.length;
      if (held > FOLD_BYTES) {
        blob = new Blob([blob, ...parts]);
        parts = [];
        held = 0;
      }
      const now = performance.now();
      if (now - lastPost > 100) {
        lastPost = now;
        self.postMessage({ id, progress: { bytes, total: file.size, rows: session.rowsIn } });
      }
    }
    const { tail, report, tokens } = session.finish();
    parts.push(tail);
    blob = new Blob([blob, ...parts], { type: "text/csv" });
    self.postMessage({ id, progress: { bytes, total: file.size, rows: session.rowsIn } });
    return { blob, report, tokens: tokens ?? null };
  } finally {
    session.free();
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
  inspect: async ({ file }) => kit.previewFile(await head(file), file.size, 5),
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

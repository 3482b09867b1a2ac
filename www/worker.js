// The Web Worker that owns the wasm package: the page posts {id, op, args}, gets {id, ok, result}
// or {id, ok: false, error}. Keeps the key file in memory only; nothing is persisted.
import init, * as kit from "./pkg/deid_kit.js";

const ready = init();
let keyFile = null;
let cancelled = false;

// Output is gathered in a Blob, folded every few MB so the worker's memory stays flat (the
// browser keeps large Blobs on disk).
const FOLD_BYTES = 8 << 20;

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
  run,
  cancel: () => {
    cancelled = true;
  },
  pseudonymize: ({ value, name }) => {
    if (!keyFile) throw Object.assign(new Error("no key loaded"), { code: "no_key" });
    return kit.pseudonymize(keyFile, value, { name });
  },
};

self.onmessage = async ({ data: { id, op, args } }) => {
  try {
    await ready;
    const result = await ops[op](args ?? {}, id);
    self.postMessage({ id, ok: true, result });
  } catch (e) {
    self.postMessage({ id, ok: false, error: { message: String(e?.message ?? e), code: e?.code ?? "error", row: e?.row, column: e?.column } });
  }
};
self.postMessage({ id: 0, ok: true, result: "loaded" });

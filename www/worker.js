// The Web Worker that owns the wasm package: the page posts {id, op, args}, gets {id, ok, result}
// or {id, ok: false, error}. Keeps the key file in memory only; nothing is persisted.
import init, * as kit from "./pkg/deid_kit.js";

const ready = init();
let keyFile = null;

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
};

self.onmessage = async ({ data: { id, op, args } }) => {
  try {
    await ready;
    const result = await ops[op](args ?? {});
    self.postMessage({ id, ok: true, result });
  } catch (e) {
    self.postMessage({ id, ok: false, error: { message: String(e?.message ?? e), code: e?.code ?? "error", row: e?.row, column: e?.column } });
  }
};
self.postMessage({ id: 0, ok: true, result: "loaded" });

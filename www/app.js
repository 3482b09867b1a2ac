// The page: UI state, language, and calls to the worker. No processing happens on this thread.
import { STRINGS } from "./i18n.js";

const $ = (id) => document.getElementById(id);
let lang = "ja";
let nextId = 1;
const pending = new Map();
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });

worker.onmessage = ({ data: { id, ok, result, error } }) => {
  const p = pending.get(id);
  if (!p) return;
  pending.delete(id);
  ok ? p.resolve(result) : p.reject(error);
};

function call(op, args) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, op, args });
  });
}

function t(key) {
  return STRINGS[lang][key] ?? STRINGS.ja[key] ?? key;
}

function applyLanguage() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  const toggle = $("lang");
  toggle.textContent = lang === "ja" ? "English" : "日本語";
  toggle.lang = lang === "ja" ? "en" : "ja";
  toggle.setAttribute("aria-label", lang === "ja" ? "Switch to English" : "日本語に切り替え");
}

function status(key, state = "ok") {
  const el = $("status");
  el.dataset.i18n = key;
  el.dataset.state = state;
  el.textContent = t(key);
}

function showError(error) {
  const el = $("status");
  delete el.dataset.i18n;
  el.dataset.state = "error";
  el.textContent = `${t("error.prefix")}: ${error.message}`;
}

function showKey(fingerprint) {
  const out = $("fingerprint");
  delete out.dataset.i18n;
  out.textContent = fingerprint;
  out.classList.add("mono");
  $("value").disabled = false;
  $("as-name").disabled = false;
  updatePseudonym();
}

function download(bytes, name, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

let seq = 0;
async function updatePseudonym() {
  const mine = ++seq;
  try {
    const result = await call("pseudonymize", { value: $("value").value, name: $("as-name").checked });
    if (mine === seq) $("pseudonym").textContent = result || "—";
  } catch (e) {
    showError(e);
  }
}

$("lang").addEventListener("click", () => {
  lang = lang === "ja" ? "en" : "ja";
  applyLanguage();
});

$("key-new").addEventListener("click", async () => {
  try {
    const { keyFile, fingerprint } = await call("generateKey");
    download(keyFile, `site-${fingerprint.slice(0, 4)}.key`, "application/octet-stream");
    showKey(fingerprint);
    status("key.created");
  } catch (e) {
    showError(e);
  }
});

$("key-file").addEventListener("change", async (event) => {
  const file = event.target.files?.[0];
  if (!file) return;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const { fingerprint } = await call("loadKey", { bytes });
    showKey(fingerprint);
    status("key.loaded");
  } catch (e) {
    showError(e);
  } finally {
    event.target.value = "";
  }
});

$("value").addEventListener("input", updatePseudonym);
$("as-name").addEventListener("change", updatePseudonym);

applyLanguage();
call("version").then((v) => {
  $("version").textContent = `v${v}`;
  for (const id of ["key-new", "key-file"]) $(id).disabled = false;
  status("ready");
  document.body.dataset.ready = "1";
}, showError);

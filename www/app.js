// The page: UI state, language, and calls to the worker. No processing happens on this thread.
import { STRINGS } from "./i18n.js";

const $ = (id) => document.getElementById(id);
let lang = "ja";
let nextId = 1;
const pending = new Map();
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });

worker.onmessage = ({ data: { id, ok, result, error, progress } }) => {
  const p = pending.get(id);
  if (!p) return;
  if (progress) return p.onProgress?.(progress);
  pending.delete(id);
  ok ? p.resolve(result) : p.reject(error);
};

function call(op, args, onProgress) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onProgress });
    worker.postMessage({ id, op, args });
  });
}

function t(key, values = {}) {
  const text = STRINGS[lang][key] ?? STRINGS.ja[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => String(values[k] ?? ""));
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
  const where = [error.row ? `row ${error.row}` : "", error.column ? `「${error.column}」` : ""].filter(Boolean).join(" ");
  el.textContent = `${t("error.prefix")}: ${error.message}${where ? ` (${where})` : ""}`;
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

// --- Processing a file -------------------------------------------------------------------

const job = { file: null, policy: null, policyText: null, optOut: [], result: null, urls: [] };

function actionLabel(name) {
  return t(`action.${name}`);
}

function showPlan() {
  const table = $("plan");
  const body = table.querySelector("tbody");
  body.replaceChildren();
  if (!job.policy) return void (table.hidden = true);
  for (const [column, rule] of Object.entries(job.policy.columns ?? {})) {
    const tr = document.createElement("tr");
    const th = Object.assign(document.createElement("th"), { scope: "row", textContent: column });
    const td = Object.assign(document.createElement("td"), { textContent: actionLabel(rule.action) });
    td.dataset.action = rule.action;
    tr.append(th, td);
    body.append(tr);
  }
  table.hidden = false;
}

function updateRunButton() {
  $("run").disabled = !(job.file && job.policyText);
}

function pickData(file) {
  if (!file) return;
  job.file = file;
  $("data-name").textContent = `${file.name} (${(file.size / 1e6).toFixed(2)} MB)`;
  updateRunButton();
}

$("data-file").addEventListener("change", (e) => pickData(e.target.files?.[0]));
const drop = $("drop");
drop.addEventListener("dragover", (e) => {
  e.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  pickData(e.dataTransfer?.files?.[0]);
});

$("policy-file").addEventListener("change", async (e) => {
  const file = e.target.files?.[0];
  if (!file) return;
  try {
    job.policyText = await file.text();
    job.policy = JSON.parse(job.policyText);
    $("policy-name").textContent = file.name;
    showPlan();
    status("ready");
  } catch (err) {
    job.policy = job.policyText = null;
    showError({ message: `${file.name}: ${err.message}` });
  }
  updateRunButton();
});

$("optout-file").addEventListener("change", async (e) => {
  const file = e.target.files?.[0];
  if (!file) return;
  job.optOut = (await file.text()).split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  $("optout-name").textContent = `${file.name} (${job.optOut.length})`;
});

function setLink(id, blob, name) {
  const a = $(id);
  const url = URL.createObjectURL(blob);
  job.urls.push(url);
  a.href = url;
  a.download = name;
  a.hidden = false;
}

function showResult({ blob, report, tokens }) {
  for (const url of job.urls.splice(0)) URL.revokeObjectURL(url);
  const base = job.file.name.replace(/\.[^.]*$/, "");
  setLink("download-data", blob, `${base}.deid.csv`);
  setLink("download-report", new Blob([JSON.stringify(report, null, 2)], { type: "application/json" }), `${base}.report.json`);
  $("download-tokens").hidden = !tokens;
  $("tokens-warning").hidden = !tokens;
  if (tokens) setLink("download-tokens", new Blob([tokens]), `${base}.tokens.bin`);
  $("summary").textContent = t("result.summary", report.rows);
  const list = $("result-warnings");
  list.replaceChildren();
  for (const r of report.rejected.slice(0, 20)) {
    const li = document.createElement("li");
    li.textContent = t("result.rejected", { ...r, column: r.column ? `「${r.column}」` : "" });
    list.append(li);
  }
  for (const w of report.warnings) list.append(Object.assign(document.createElement("li"), { textContent: w }));
  $("result").hidden = false;
  document.body.dataset.done = "1";
}

$("run").addEventListener("click", async () => {
  $("run").disabled = true;
  $("cancel").disabled = false;
  $("result").hidden = true;
  delete document.body.dataset.done;
  status("run.running");
  const started = performance.now();
  const progress = $("progress");
  try {
    const result = await call("run", { file: job.file, policy: job.policyText, optOut: job.optOut }, (p) => {
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round(p.rows / seconds) : 0;
      const eta = p.bytes > 0 ? Math.round((seconds * (p.total - p.bytes)) / p.bytes) : 0;
      progress.max = p.total || 1;
      progress.value = p.bytes;
      $("progress-text").textContent = t("run.progress", {
        done: (p.bytes / 1e6).toFixed(2), total: (p.total / 1e6).toFixed(2), rows: p.rows, rate, eta,
      });
    });
    progress.value = progress.max;
    showResult(result);
    status("ready");
  } catch (e) {
    if (e.code === "cancelled") status("run.cancelled");
    else showError(e);
  } finally {
    $("cancel").disabled = true;
    updateRunButton();
  }
});

$("cancel").addEventListener("click", () => {
  worker.postMessage({ id: 0, op: "cancel" });
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

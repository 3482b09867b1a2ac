// The page: state, wiring of the five steps, language, and calls to the worker. No processing
// happens on this thread; the key lives only in the worker (and its fingerprint here).
import { $, download, size, baseName } from "./dom.js";
import { t, setLang, getLang, num } from "./i18n.js";
import { describeError } from "./errors.js";
import { renderFileList, renderPreview } from "./files.js";
import { renderPlan, renderSample, renderSettings, needsKey } from "./plan.js";
import { renderResult, setDownloads } from "./result.js";
import { renderFhirSample } from "./fhir.js";

// --- The worker ------------------------------------------------------------------------------

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

// --- State -----------------------------------------------------------------------------------

const state = {
  files: [], // {file, preview, previewError, policy, suggested, suggestedDetected, changed, sample, result}
  active: -1,
  fingerprint: null,
  optOut: null, // {name, ids}
  running: null, // the entry being processed
  progress: null, // [key, values] of the progress line
  status: { key: "loading", values: {}, kind: "loading" },
};
const current = () => state.files[state.active] ?? null;

function status(key, values = {}, kind = "ok", source = "", also = []) {
  state.status = { key, values, kind, source, also };
  showStatus();
}
function fail(error, source = "") {
  state.status = { error, kind: "error", source };
  showStatus();
}
function showStatus() {
  const s = state.status;
  const el = $("status");
  el.dataset.state = s.kind;
  el.setAttribute("aria-live", s.kind === "error" ? "assertive" : "polite");
  if (s.error) {
    const { text, detail } = describeError(s.error);
    el.dataset.key = `error.${s.error.code ?? "other"}`;
    $("status-text").textContent = `${t("error.prefix")}: ${text}`;
    $("status-detail").textContent = detail ? `${t("error.detail")}: ${detail}` : "";
  } else {
    el.dataset.key = s.key;
    $("status-text").textContent = [t(s.key, s.values), ...(s.also ?? []).map(([k, v]) => t(k, v))].join(" ");
    $("status-detail").textContent = "";
  }
}

// --- Rendering -------------------------------------------------------------------------------

function renderKey() {
  const fp = state.fingerprint;
  for (const id of ["fingerprint", "key-state"]) {
    const out = $(id);
    out.textContent = fp ?? t("key.none");
    out.classList.toggle("mono", Boolean(fp));
  }
  $("keybar").classList.toggle("loaded", Boolean(fp));
  $("value").disabled = $("as-name").disabled = !fp;
  if (!fp) $("pseudonym").textContent = t("try.needKey");
}

function renderPlanStep() {
  const entry = current();
  const usable = Boolean(entry?.preview) && !state.running;
  for (const id of ["preset-kamei", "preset-tokumei", "plan-file"]) $(id).disabled = !usable;
  $("preset-kamei").checked = entry?.policy?.preset === "kamei";
  $("preset-tokumei").checked = entry?.policy?.preset === "tokumei";
  $("plan-save").disabled = !entry?.policy;
  const hint = $("plan-hint");
  hint.hidden = Boolean(entry?.policy);
  hint.textContent = entry?.preview ? t("plan.choosePreset") : t("plan.needFile");
  renderSettings(entry);
  renderPlan(entry, onPlanChange);
  renderFhirSample(entry);
  $("optout-name").textContent = state.optOut
    ? t("plan.optoutLoaded", { name: state.optOut.name, n: num(state.optOut.ids.length) }) : t("plan.optoutNone");
  $("optout-clear").hidden = !state.optOut;
}

function blockers(entry) {
  const needs = [];
  if (entry?.previewError) needs.push("run.needGoodFile");
  else if (!entry?.preview) needs.push("run.needFile");
  else if (!entry.policy) needs.push("run.needPlan");
  if (entry?.policy && needsKey(entry.policy) && !state.fingerprint) needs.push("run.needKey");
  return needs;
}

function renderRun() {
  const entry = current();
  $("progress-text").textContent = state.progress ? t(...state.progress) : "";
  const needs = blockers(entry);
  $("run-needs").hidden = needs.length === 0;
  $("run-needs-list").replaceChildren(...needs.map((k) => Object.assign(document.createElement("li"), { textContent: t(k) })));
  $("run-what").textContent = entry?.policy && needs.length === 0
    ? t("run.what", { name: entry.file.name, preset: t(`preset.${entry.policy.preset ?? "custom"}`), size: size(entry.file.size) }) : "";
  $("run").disabled = needs.length > 0 || Boolean(state.running);
  $("cancel").disabled = !state.running;
}

function renderNav() {
  const entry = current();
  const done = { file: entry?.preview, key: state.fingerprint, plan: entry?.policy, run: entry?.result, result: entry?.result };
  for (const a of document.querySelectorAll("#steps-nav a")) {
    const ok = Boolean(done[a.dataset.step]);
    a.classList.toggle("done", ok);
    a.querySelector(".done-text").textContent = ok ? t("nav.done") : "";
  }
}

function renderFiles() {
  renderFileList(state.files, state.active, { onSelect: select, onRemove: remove });
  renderPreview(current());
}

function renderAll() {
  renderFiles();
  renderKey();
  renderPlanStep();
  renderRun();
  renderResult(current());
  renderNav();
  showStatus();
}

function applyLanguage() {
  const lang = getLang();
  document.documentElement.lang = lang;
  document.title = t("title");
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
  const toggle = $("lang");
  toggle.textContent = lang === "ja" ? "English" : "日本語";
  toggle.lang = lang === "ja" ? "en" : "ja";
  toggle.setAttribute("aria-label", lang === "ja" ? "Switch to English" : "日本語に切り替え");
  renderAll();
}

// --- Step 1: files ---------------------------------------------------------------------------

function inspect(entry) {
  entry.inspecting ??= call("inspect", { file: entry.file }).then(
    (preview) => { entry.preview = preview; },
    (error) => { entry.previewError = error; });
  return entry.inspecting;
}

async function select(i) {
  state.active = i;
  const entry = current();
  renderAll();
  await inspect(entry);
  if (current() !== entry) return;
  if (entry.previewError) fail(entry.previewError);
  else status(state.fingerprint ? "file.loadedKeyReady" : "file.loaded", { name: entry.file.name });
  renderAll();
  if (entry.policy) refreshSample(entry);
}

function remove(i) {
  if (state.running === state.files[i]) return;
  state.files.splice(i, 1);
  if (state.active >= state.files.length) state.active = state.files.length - 1;
  else if (i < state.active) state.active -= 1;
  renderAll();
}

function addFiles(list) {
  const files = [...(list ?? [])];
  if (files.length === 0) return;
  const first = state.files.length;
  for (const file of files) state.files.push({ file, changed: new Map() });
  select(first);
  for (const entry of state.files.slice(first + 1)) inspect(entry).then(renderFiles);
}

$("data-file").addEventListener("change", (e) => {
  addFiles(e.target.files);
  e.target.value = "";
});
const drop = $("drop");
drop.addEventListener("dragover", (e) => {
  e.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  addFiles(e.dataTransfer?.files);
});
// A file dropped elsewhere must not make the browser open it (and leave the page).
for (const type of ["dragover", "drop"]) window.addEventListener(type, (e) => e.preventDefault());

// --- Step 2: key -----------------------------------------------------------------------------

function keyReady(fingerprint, key, values = {}) {
  state.fingerprint = fingerprint;
  status(key, { fp: fingerprint, ...values });
  renderAll();
  updatePseudonym();
  const entry = current();
  if (entry?.policy) refreshSample(entry);
}

$("key-new").addEventListener("click", async () => {
  try {
    const { keyFile, fingerprint } = await call("generateKey");
    const name = `site-${fingerprint.slice(0, 4)}.key`;
    download(keyFile, name);
    keyReady(fingerprint, "key.created", { name });
  } catch (e) {
    fail(e);
  }
});

$("key-file").addEventListener("change", async (event) => {
  const file = event.target.files?.[0];
  event.target.value = "";
  if (!file) return;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const { fingerprint } = await call("loadKey", { bytes });
    keyReady(fingerprint, current()?.preview && !current()?.policy ? "key.loadedNext" : "key.loaded");
  } catch (e) {
    fail(e);
  }
});

let pseudonymSeq = 0;
async function updatePseudonym() {
  if (!state.fingerprint) return;
  const mine = ++pseudonymSeq;
  try {
    const result = await call("pseudonymize", { value: $("value").value, name: $("as-name").checked });
    if (mine === pseudonymSeq) $("pseudonym").textContent = result || "—";
  } catch (e) {
    fail(e);
  }
}
$("value").addEventListener("input", updatePseudonym);
$("as-name").addEventListener("change", updatePseudonym);

// --- Step 3: plan ----------------------------------------------------------------------------

function setPolicy(entry, policy, suggestion) {
  entry.policy = policy;
  entry.suggested = suggestion ? structuredClone(suggestion.columns) : null;
  entry.suggestedDetected = suggestion?.detected ? structuredClone(suggestion.detected) : null;
  entry.changed = new Map();
  if (suggestion && suggestion !== policy) {
    for (const [name, rule] of Object.entries(policy.columns ?? {})) {
      const was = suggestion.columns?.[name]?.action;
      if (was !== rule?.action) entry.changed.set(name, was ?? null);
    }
  }
  entry.sample = null;
  entry.fhirSample = null;
  document.body.dataset.plans = String(Number(document.body.dataset.plans ?? 0) + 1); // for tests
  renderAll();
  refreshSample(entry);
}

function reviewCount(policy) {
  return Object.values(policy.detected ?? {}).filter((d) => d.review).length;
}

async function choosePreset(preset) {
  const entry = current();
  if (!entry?.preview) return;
  try {
    const policy = await call("suggest", { file: entry.file, preset });
    if (current() !== entry) return;
    setPolicy(entry, policy, policy);
    const review = reviewCount(policy);
    const suggested = entry.preview.fhir ? "plan.suggestedFhir" : "plan.suggested";
    status(suggested, { name: entry.file.name, preset: () => t(`preset.${preset}`) }, "ok", "",
      review ? [["plan.review", { n: review }]] : []);
  } catch (e) {
    fail(e);
  }
}
for (const id of ["preset-kamei", "preset-tokumei"]) {
  $(id).addEventListener("change", (e) => e.target.checked && choosePreset(e.target.value));
}

function onPlanChange() {
  const entry = current();
  renderPlan(entry, onPlanChange);
  renderRun();
  refreshSample(entry);
}

let sampleSeq = 0;
async function refreshSample(entry) {
  const plans = document.body.dataset.plans;
  const fhir = Boolean(entry?.preview?.fhir);
  if (!entry?.policy || !entry.preview || (entry.preview.bytes <= 0 && !fhir)) return void (document.body.dataset.sampled = plans);
  const mine = ++sampleSeq;
  try {
    const sample = fhir ? await call("fhirSample", { file: entry.file, policy: entry.policy })
      : await call("sample", { file: entry.file, policy: entry.policy, bytes: entry.preview.bytes });
    if (mine !== sampleSeq) return;
    entry[fhir ? "fhirSample" : "sample"] = sample;
    if (state.status.kind === "error" && state.status.source === "sample") status("plan.sampleOk");
  } catch (e) {
    if (mine !== sampleSeq) return;
    entry.sample = entry.fhirSample = null;
    fail(e, "sample");
  }
  if (current() === entry) {
    renderSample(entry);
    renderFhirSample(entry);
  }
  document.body.dataset.sampled = plans; // for tests: the sample of this plan is shown
}

$("patient-id").addEventListener("change", (e) => {
  const { policy } = current();
  if (e.target.value) policy.patient_id = e.target.value;
  else delete policy.patient_id;
  onPlanChange();
});
$("reference-date").addEventListener("change", (e) => {
  const { policy } = current();
  if (e.target.value) policy.reference_date = e.target.value;
  else delete policy.reference_date;
  onPlanChange();
});
$("output-encoding").addEventListener("change", (e) => {
  const { policy } = current();
  policy.output = { ...(policy.output ?? {}), encoding: e.target.value };
  onPlanChange();
});

$("plan-save").addEventListener("click", () => {
  const entry = current();
  if (!entry?.policy) return;
  const name = `${baseName(entry.file.name)}.plan.json`;
  download(`${JSON.stringify(entry.policy, null, 2)}\n`, name, "application/json");
  status("plan.saved", { name });
});

$("plan-file").addEventListener("change", async (e) => {
  const file = e.target.files?.[0];
  e.target.value = "";
  const entry = current();
  if (!file || !entry) return;
  let policy;
  try {
    policy = JSON.parse(await file.text());
    if (typeof policy !== "object" || !policy || typeof policy.columns !== "object") throw new Error("no \"columns\" object");
  } catch (err) {
    return fail({ code: "planJson", message: `${file.name}: ${err.message}` });
  }
  // What the preset would suggest for this file, to mark the columns the plan changed.
  let suggestion = null;
  if (entry.preview && ["kamei", "tokumei"].includes(policy.preset)) {
    const referenceDate = typeof policy.reference_date === "string" ? policy.reference_date : undefined;
    suggestion = await call("suggest", { file: entry.file, preset: policy.preset, referenceDate }).catch(() => null);
  }
  setPolicy(entry, policy, suggestion);
  status("plan.loadedPlan", { name: file.name });
});

$("optout-file").addEventListener("change", async (e) => {
  const file = e.target.files?.[0];
  e.target.value = "";
  if (!file) return;
  const ids = (await file.text()).replace(/^\uFEFF/, "").split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  state.optOut = { name: file.name, ids };
  status("plan.optoutLoaded", { name: file.name, n: num(ids.length) });
  renderPlanStep();
});
$("optout-clear").addEventListener("click", () => {
  state.optOut = null;
  status("plan.optoutNone");
  renderPlanStep();
  $("optout-file").focus();
});

// --- Step 4: run -----------------------------------------------------------------------------

function eta(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return t("run.etaUnknown");
  const s = Math.round(seconds);
  return s < 60 ? t("run.seconds", { s }) : t("run.minutes", { m: Math.floor(s / 60), s: s % 60 });
}

$("run").addEventListener("click", async () => {
  const entry = current();
  if (!entry || blockers(entry).length) return;
  state.running = entry;
  entry.result = null;
  delete document.body.dataset.done;
  document.body.dataset.running = "1";
  renderAll();
  status("run.running");
  const started = performance.now();
  const progress = $("progress");
  progress.value = 0;
  state.progress = null;
  try {
    const args = { file: entry.file, policy: JSON.stringify(entry.policy), optOut: state.optOut?.ids ?? [] };
    const result = await call("run", args, (p) => {
      const seconds = (performance.now() - started) / 1000;
      progress.max = p.total || 1;
      progress.value = p.bytes;
      const left = p.bytes > 0 && seconds > 0.3 ? (seconds * (p.total - p.bytes)) / p.bytes : NaN;
      state.progress = ["run.progress", {
        done: (p.bytes / 1e6).toFixed(1), total: (p.total / 1e6).toFixed(1),
        percent: p.total ? Math.floor((100 * p.bytes) / p.total) : 100,
        rows: () => num(p.rows), rate: () => num(seconds > 0 ? Math.round(p.rows / seconds) : 0), eta: () => eta(left),
      }];
      $("progress-text").textContent = t(...state.progress);
    });
    progress.value = progress.max;
    const { rows } = result.report;
    state.progress = ["run.finished", { rows: () => num(rows.in), seconds: ((performance.now() - started) / 1000).toFixed(1) }];
    entry.result = { ...result, finishedAt: new Date() };
    setDownloads(entry);
    status("run.done");
    document.body.dataset.done = "1";
  } catch (e) {
    progress.value = 0;
    state.progress = null;
    if (e.code === "cancelled") status("run.cancelled");
    else fail(e);
  } finally {
    state.running = null;
    delete document.body.dataset.running;
    renderAll();
  }
  if (entry.result && current() === entry) {
    $("result-heading").focus();
  }
});

$("cancel").addEventListener("click", () => worker.postMessage({ id: 0, op: "cancel" }));

// --- Step 5: result --------------------------------------------------------------------------

$("print").addEventListener("click", () => window.print());

// --- Start -----------------------------------------------------------------------------------

$("lang").addEventListener("click", () => {
  setLang(getLang() === "ja" ? "en" : "ja");
  applyLanguage();
});

applyLanguage();
call("version").then((v) => {
  $("version").textContent = `v${v}`;
  for (const id of ["key-new", "key-file", "data-file"]) $(id).disabled = false;
  status("ready");
  document.body.dataset.ready = "1";
}, (e) => fail(e));

// Offline after the first visit: the service worker caches the page and the wasm package.
if ("serviceWorker" in navigator && location.protocol.startsWith("http")) {
  navigator.serviceWorker.register("./sw.js", { scope: "./" }).catch(() => {});
}

// Step 3: the plan table. One row per column: name, detected type, action (<select>) with its
// main setting, the reason, and the first row before → after. Edits change entry.policy in place;
// a column whose action the user changed gets a reason saying so (kept in the saved plan).
import { $, h } from "./dom.js";
import { t, getLang, STRINGS, ACTION_NAMES, actionLabel } from "./i18n.js";

/** Actions that need the site key. */
export const KEYED = new Set(["pseudonymize", "tokenize", "date_shift"]);

/** Parameters filled in when the user picks an action. */
export const DEFAULTS = {
  keep: {}, drop: {},
  replace: { value: "（削除）" },
  mask: { keep_start: 0, keep_end: 4, with: "*" },
  pseudonymize: { length: 16, name: false },
  tokenize: { length: 12 },
  generalize_date: { to: "year_month" },
  age: { band: 5, top_code: 90 },
  top_code: { at: 90 },
  date_shift: { max_days: 30 },
  generalize_postal: { digits: 3 },
  generalize_address: { to: "municipality" },
  scrub_text: {},
};

/** The settings shown next to each action: number ranges or choices. */
const PARAMS = {
  replace: [{ key: "value", type: "text" }],
  mask: [{ key: "keep_start", type: "number", min: 0, max: 50 }, { key: "keep_end", type: "number", min: 0, max: 50 }],
  pseudonymize: [{ key: "length", type: "number", min: 8, max: 51 }],
  tokenize: [{ key: "length", type: "number", min: 8, max: 32 }],
  generalize_date: [{ key: "to", type: "select", options: ["year_month", "year"] }],
  age: [{ key: "band", type: "number", min: 1, max: 50 }, { key: "top_code", type: "number", min: 1, max: 150 }],
  top_code: [{ key: "at", type: "number", min: 0, max: 100000 }],
  date_shift: [{ key: "max_days", type: "number", min: 1, max: 3650 }],
  generalize_postal: [{ key: "digits", type: "number", min: 0, max: 7 }],
  generalize_address: [{ key: "to", type: "select", options: ["prefecture", "municipality", "ward"] }],
};

export const needsKey = (policy) => Object.values(policy?.columns ?? {}).some((r) => KEYED.has(r?.action));

/** Every column the table shows: the file's, then the plan's that the file lacks. */
function columnsOf(entry) {
  const headers = entry.preview?.headers ?? [];
  const extra = Object.keys(entry.policy?.columns ?? {}).filter((c) => !headers.includes(c));
  return [...headers, ...extra];
}

/** Sets column `name` to `action` with default parameters; keeps the reason honest. */
export function setAction(entry, name, action) {
  const { policy } = entry;
  const suggested = entry.suggested?.[name];
  const original = entry.suggestedDetected?.[name];
  if (suggested && suggested.action === action) {
    policy.columns[name] = structuredClone(suggested);
    if (original && policy.detected) policy.detected[name] = structuredClone(original);
    entry.changed.delete(name);
    return;
  }
  policy.columns[name] = { action, ...structuredClone(DEFAULTS[action] ?? {}) };
  if (suggested) {
    entry.changed.set(name, suggested.action);
    if (original && policy.detected) {
      policy.detected[name] = {
        ...original,
        reason_ja: STRINGS.ja["plan.changed"].replace("{action}", actionLabel(suggested.action, "ja")),
        reason_en: STRINGS.en["plan.changed"].replace("{action}", actionLabel(suggested.action, "en")),
      };
    }
  } else {
    entry.changed.set(name, null);
  }
}

function setParam(entry, name, key, raw, type) {
  const rule = entry.policy.columns[name];
  if (!rule) return;
  if (type === "number") {
    const n = Number(raw);
    if (raw === "" || !Number.isInteger(n)) return;
    rule[key] = n;
  } else {
    rule[key] = raw;
  }
}

function paramControls(entry, name, rule, onChange) {
  return (PARAMS[rule?.action] ?? []).map((spec) => {
    const label = t("plan.paramFor", { column: name, param: t(`param.${spec.key}`) });
    const dataset = { column: name, role: `param-${spec.key}` };
    const commit = (e) => {
      setParam(entry, name, spec.key, e.target.value, spec.type);
      onChange(name);
    };
    if (spec.type === "select") {
      return h("select", { dataset, attrs: { "aria-label": label }, title: label, on: { change: commit } },
        spec.options.map((o) => h("option", { value: o, selected: rule[spec.key] === o }, t(`to.${o}`))));
    }
    const value = rule[spec.key] ?? DEFAULTS[rule.action][spec.key] ?? "";
    const input = h("input", {
      type: spec.type, dataset, className: spec.type === "number" ? "num" : "text", value: String(value),
      min: spec.min, max: spec.max, attrs: { "aria-label": label }, title: label, on: { change: commit },
    });
    // The visible word is part of the accessible name ("「電話番号」の末尾に残す").
    return spec.type === "number" ? h("label", { className: "param" }, t(`param.${spec.key}`), input) : input;
  });
}

function afterText(entry, name) {
  const s = entry.sample;
  if (!s) return t("plan.noSample");
  if (s.needsKey.includes(name)) return t("plan.needsKey");
  if (s.rejected) return s.rejected.column === name ? t("plan.rejectedRow", { reason: s.rejected.reason }) : t("plan.noSample");
  const i = s.headers.indexOf(name);
  if (i < 0) return t("plan.dropped");
  return s.row?.[i] ?? t("plan.noSample");
}

function row(entry, name, onChange) {
  const { policy, preview } = entry;
  const rule = policy.columns[name];
  const action = rule?.action ?? "drop";
  const detected = policy.detected?.[name];
  const inFile = preview ? preview.headers.includes(name) : true;
  const changed = entry.changed.has(name);
  const review = Boolean(detected?.review);
  const lang = getLang();
  let reason = detected?.[`reason_${lang}`];
  if (changed) {
    const was = entry.changed.get(name);
    reason = t("plan.changed", { action: was ? actionLabel(was) : t("plan.noSample") });
  }
  if (!rule) reason = t("plan.unnamed");
  if (!inFile) reason = t("plan.missing");
  const kind = detected
    ? t("plan.kindValue", { kind: t(`kind.${detected.kind}`), pct: Math.round(detected.confidence * 100) })
    : t("plan.noSample");
  const select = h("select", {
    dataset: { column: name, role: "action" },
    attrs: { "aria-label": t("plan.actionFor", { column: name }) },
    on: { change: (e) => { setAction(entry, name, e.target.value); onChange(name); } },
  }, (ACTION_NAMES.includes(action) ? ACTION_NAMES : [action, ...ACTION_NAMES])
    .map((a) => h("option", { value: a, selected: a === action }, actionLabel(a))));
  const beforeIndex = preview?.headers.indexOf(name) ?? -1;
  const before = beforeIndex >= 0 ? preview.rows[0]?.[beforeIndex] ?? "" : t("plan.noSample");
  const tr = h("tr", { className: [review ? "review" : "", changed ? "changed" : "", inFile ? "" : "missing"].join(" ").trim(),
    dataset: { column: name, action } },
    h("th", { scope: "row" }, h("span", { className: "col-name" }, name),
      review ? h("span", { className: "badge review-badge" }, t("plan.badgeReview")) : null,
      changed ? h("span", { className: "badge changed-badge" }, t("plan.badgeChanged")) : null),
    h("td", { title: detected?.evidence ?? "" }, kind),
    h("td", { className: "action" }, select, paramControls(entry, name, rule, onChange)),
    h("td", { className: "reason" }, reason ?? t("plan.noSample")),
    h("td", { className: "value" }, before),
    h("td", { className: "value after" }, afterText(entry, name)));
  return tr;
}

/** Renders the plan table for `entry`, keeping keyboard focus on the same control. */
export function renderPlan(entry, onChange) {
  const body = $("plan").querySelector("tbody");
  const focused = document.activeElement;
  const keep = body.contains(focused) ? { column: focused.dataset.column, role: focused.dataset.role } : null;
  body.replaceChildren();
  const shown = Boolean(entry?.policy);
  $("plan-box").hidden = !shown;
  if (!shown) return;
  // A FHIR plan names elements (`paths`), not columns: its preview is the resources' (fhir.js).
  $("plan").parentElement.hidden = Boolean(entry.preview?.fhir);
  for (const name of columnsOf(entry)) body.append(row(entry, name, onChange));
  if (keep) {
    const again = [...body.querySelectorAll("[data-role]")]
      .find((el) => el.dataset.column === keep.column && el.dataset.role === keep.role);
    again?.focus();
  }
}

/** Updates only the "after" cells (the sample run finished). */
export function renderSample(entry) {
  for (const tr of $("plan").querySelectorAll("tbody tr")) {
    tr.querySelector(".after").textContent = afterText(entry, tr.dataset.column);
  }
}

/** The plan-wide settings: patient ID column, reference date, output encoding. */
export function renderSettings(entry) {
  const policy = entry?.policy;
  if (!policy) return;
  const pid = $("patient-id");
  const headers = columnsOf(entry);
  pid.replaceChildren(h("option", { value: "" }, t("plan.patientIdNone")),
    ...headers.map((c) => h("option", { value: c }, c)));
  pid.value = policy.patient_id ?? "";
  $("reference-date").value = policy.reference_date ?? "";
  const enc = $("output-encoding");
  enc.querySelector('option[value="same"]').textContent = t("plan.outSame");
  enc.value = policy.output?.encoding ?? "same";
}

// Step 5: the result of a run: downloads (file, report, correspondence table), the printable
// summary (counts, charts, record of hashes and key fingerprint, per-column results), rejected
// rows and warnings. Rendered from the run's report only; never from cell values.
import { $, h, baseName } from "./dom.js";
import { t, num, getLang, ACTION_NAMES, actionLabel } from "./i18n.js";
import { barChart } from "./charts.js";
import { warningText, reasonText } from "./errors.js";

let urls = [];

function link(id, blob, name) {
  const a = $(id);
  const url = URL.createObjectURL(blob);
  urls.push(url);
  a.href = url;
  a.download = name;
  a.hidden = false;
}

/** Sets the download links for a finished run (once per run; language changes keep them). */
export function setDownloads(entry) {
  for (const url of urls.splice(0)) URL.revokeObjectURL(url);
  const { blob, report, tokens } = entry.result;
  const base = baseName(entry.file.name);
  const extension = report.fhir ? (report.fhir.format === "bundle" ? "json" : "ndjson") : "csv";
  link("download-data", blob, `${base}.deid.${extension}`);
  link("download-report", new Blob([JSON.stringify(report, null, 2)], { type: "application/json" }), `${base}.report.json`);
  $("download-tokens").hidden = !tokens;
  if (tokens) link("download-tokens", new Blob([tokens], { type: "application/octet-stream" }), `${base}.tokens.bin`);
}

const side = (s) => t("result.side", {
  bytes: num(s.bytes), encoding: `${t(`enc.${s.encoding}`)}${s.bom ? t("enc.bom") : ""}`,
  le: t(`le.${s.line_ending}`), sha: s.sha256,
});

function facts(entry) {
  const { report, finishedAt } = entry.result;
  const rows = [
    ["result.file", entry.file.name],
    ["result.when", finishedAt.toLocaleString()],
    ["result.preset", report.preset ? t(`preset.${report.preset}`) : t("result.none")],
    ["result.fingerprint", report.key_fingerprint ?? t("result.none")],
    ["result.policy", report.policy_sha256],
    ["result.input", side(report.input)],
    ["result.output", side(report.output)],
  ];
  return rows.map(([k, v]) => h("div", {}, h("dt", {}, t(k)),
    h("dd", { className: /policy|input|output/.test(k) ? "mono" : "" }, v)));
}

function charts(report) {
  const rows = barChart(t("result.chartRows"), [
    { label: t("result.rowsOut"), value: report.rows.out, cls: "ok" },
    { label: t("result.rowsRejected"), value: report.rows.rejected, cls: "bad" },
    { label: t("result.rowsOptedOut"), value: report.rows.opted_out, cls: "muted" },
    ...(report.anonymization
      ? [{ label: t("result.rowsSuppressed"), value: report.rows.suppressed, cls: "muted" }]
      : []),
  ]);
  const counts = new Map();
  for (const c of report.columns) counts.set(c.action, (counts.get(c.action) ?? 0) + 1);
  const order = [...ACTION_NAMES, ...[...counts.keys()].filter((a) => !ACTION_NAMES.includes(a))];
  const actions = barChart(t("result.chartActions"), order.filter((a) => counts.has(a))
    .map((a) => ({ label: actionLabel(a), value: counts.get(a), cls: `act-${a}` })));
  const figures = [
    h("figure", {}, h("figcaption", {}, t("result.chartRows")), rows),
    h("figure", {}, h("figcaption", {}, t("result.chartActions")), actions),
  ];
  const an = report.anonymization;
  if (an) {
    // Equivalence-class sizes after anonymization: rows in classes of each size (the largest
    // sizes folded into one bar).
    const sizes = an.risk_after.class_sizes;
    const shown = sizes.slice(0, 11).map(([size, classes]) => ({
      label: t("result.classSize", { size }), value: size * classes, cls: "ok",
    }));
    const rest = sizes.slice(11).reduce((n, [size, classes]) => n + size * classes, 0);
    if (rest) shown.push({ label: t("result.classSizeMore", { size: sizes[11][0] }), value: rest, cls: "ok" });
    figures.push(h("figure", {}, h("figcaption", {}, t("result.chartClasses")),
      barChart(t("result.chartClasses"), shown)));
  }
  return figures;
}

/** The levels the anonymization chose, one line per quasi-identifier. */
function levelsList(report) {
  const an = report.anonymization;
  if (!an) return [];
  const items = an.levels.map((q) => h("li", {}, t("result.level", q)));
  const risk = t("result.risk", {
    k: an.risk_after.k,
    before: (an.risk_before.prosecutor_max * 100).toFixed(1),
    after: (an.risk_after.prosecutor_max * 100).toFixed(1),
    suppressed: an.solution.suppressed,
  });
  return [h("h3", {}, t("result.levels")), h("ul", { id: "anonymization-levels" }, ...items), h("p", {}, risk)];
}

function columnsTable(report) {
  return h("table", { className: "data" },
    h("caption", {}, t("result.columns")),
    h("thead", {}, h("tr", {}, ["result.colName", "result.colAction", "result.colValues", "result.colBlanked", "result.colScrubbed"]
      .map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", {}, report.columns.map((c) => h("tr", {},
      h("th", { scope: "row" }, c.name),
      h("td", {}, actionLabel(c.action)),
      h("td", { className: "n" }, num(c.values)),
      h("td", { className: "n" }, num(c.blanked)),
      h("td", { className: "scrubbed" }, scrubbedText(c.scrubbed))))));
}

/** "氏名 12、電話番号 3" for a scrub_text column; empty otherwise. */
function scrubbedText(scrubbed) {
  const entries = Object.entries(scrubbed ?? {});
  return entries.map(([tag, n]) => `${t(`tag.${tag}`)} ${num(n)}`).join(getLang() === "ja" ? "、" : ", ");
}

function rejectedTable(report) {
  if (report.rejected.length === 0) return h("p", {}, t("result.rejectedNone"));
  return h("table", { className: "data", id: "rejected" },
    h("caption", {}, t("result.rejectedTitle", { n: num(report.rejected.length) })),
    h("thead", {}, h("tr", {}, ["result.row", "result.line", "result.column", "result.reason"]
      .map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", {}, report.rejected.map((r) => h("tr", {},
      h("th", { scope: "row", className: "n" }, num(r.row)),
      h("td", { className: "n" }, num(r.line)),
      h("td", {}, r.column ?? t("result.none")),
      h("td", {}, reasonText(r.reason))))));
}

/** Renders the result section for `entry` (or hides it). */
export function renderResult(entry) {
  const section = $("step-result");
  const result = entry?.result;
  section.hidden = !result;
  if (!result) return;
  const { report, tokens } = result;
  $("result-file").textContent = entry.file.name;
  // FHIR counts resources, not rows.
  const fhir = report.fhir ? "Fhir" : "";
  $("summary").textContent = t(`result.summary${fhir}`, {
    in: num(report.rows.in), out: num(report.rows.out), rejected: num(report.rows.rejected), opted_out: num(report.rows.opted_out),
  }) + (report.anonymization ? t(`result.summarySuppressed${fhir}`, { n: num(report.rows.suppressed) }) : "");
  $("tokens-box").hidden = !tokens;
  if (tokens) $("tokens-warning").textContent = t("result.tokensWarning", { n: num(report.tokens) });
  $("charts").replaceChildren(...charts(report), ...levelsList(report));
  $("result-facts").replaceChildren(...facts(entry));
  $("result-columns").replaceChildren(columnsTable(report));
  $("result-rejected").replaceChildren(rejectedTable(report));
  const list = $("result-warnings");
  list.replaceChildren(...(report.warnings.length
    ? report.warnings.map((w) => h("li", {}, warningText(w)))
    : [h("li", { className: "muted" }, t("result.warningsNone"))]));
}

// Step 3 for a FHIR file: its first resources before → after, pretty-printed side by side, from
// the worker's fhirSample (the plan run over the first lines). Markers for values the preview
// cannot make (the key is missing, the k-anonymity levels are chosen over the whole file) are
// shown in the page's language and highlighted.
import { $, h } from "./dom.js";
import { t, getLang } from "./i18n.js";

/** `text` as text nodes, each marker replaced by a highlighted <mark> with its label. */
function marked(text, marks) {
  const labels = new Map(Object.entries(marks).map(([kind, mark]) => [mark, t(`fhir.mark.${kind}`)]));
  if (labels.size === 0) return [text];
  const escaped = [...labels.keys()].map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(`"(${escaped.join("|")})"`, "g");
  const parts = [];
  let at = 0;
  for (const m of text.matchAll(pattern)) {
    parts.push(text.slice(at, m.index), h("mark", {}, labels.get(m[1])));
    at = m.index + m[0].length;
  }
  parts.push(text.slice(at));
  return parts;
}

function side(kind, label, body) {
  return h("div", { className: `fhir-side ${kind}` },
    h("h4", {}, t(`fhir.${kind}`)),
    h("pre", { tabIndex: 0, attrs: { role: "region", "aria-label": `${label}: ${t(`fhir.${kind}`)}` } }, body));
}

/** Renders (or hides) the FHIR before → after preview of `entry`. */
export function renderFhirSample(entry) {
  const box = $("fhir-sample");
  const s = entry?.fhirSample;
  box.hidden = !entry?.policy || !entry.preview?.fhir;
  if (box.hidden) return;
  const notes = [];
  if (!s) notes.push(t("fhir.waiting"));
  else if (s.tooBig) notes.push(t("fhir.tooBig"));
  else {
    if (s.pairs.length === 0) notes.push(t("fhir.none"));
    if (s.needsKey.length) notes.push(t("fhir.needsKey"));
    if (s.anonymized.length) notes.push(t("fhir.anonymized", { paths: s.anonymized.join(getLang() === "ja" ? "、" : ", ") }));
  }
  $("fhir-sample-note").replaceChildren(...notes.map((n) => h("p", {}, n)));
  $("fhir-sample-list").replaceChildren(...(s?.pairs ?? []).map((pair, i) => {
    const type = pair.before?.resourceType ?? "?";
    const label = t("fhir.caption", { n: i + 1, type });
    const after = pair.rejected ? t("plan.rejectedRow", { reason: pair.rejected })
      : pair.after ? marked(JSON.stringify(pair.after, null, 2), s.marks) : t("plan.dropped");
    return h("figure", { className: "fhir-pair", dataset: { type, index: pair.index } },
      h("figcaption", {}, label),
      side("before", label, JSON.stringify(pair.before, null, 2) ?? ""),
      side("after", label, after));
  }));
}

// Step 1: the list of chosen files (one is active) and what previewFile found in the active one:
// encoding, line ending, estimated rows, and its first rows as a table.
import { $, h, size } from "./dom.js";
import { t, num } from "./i18n.js";

/** Renders the file list; `onSelect(i)` and `onRemove(i)` are called on the user's choice. */
export function renderFileList(files, active, { onSelect, onRemove }) {
  const box = $("file-options");
  // Rebuilding must not lose the keyboard focus (arrow keys move between the radio buttons).
  const focused = box.contains(document.activeElement) ? document.activeElement.id : null;
  box.replaceChildren();
  files.forEach((entry, i) => {
    const id = `file-${i}`;
    const meta = entry.preview ? ` · ${t(`enc.${entry.preview.encoding}`)}` : "";
    box.append(h("div", { className: "file-item" },
      h("input", { type: "radio", name: "active-file", id, value: String(i), checked: i === active,
        on: { change: () => onSelect(i) } }),
      h("label", { htmlFor: id },
        h("span", { className: "file-name" }, entry.file.name),
        h("span", { className: "muted" }, ` ${size(entry.file.size)}${meta}`)),
      h("button", { type: "button", className: "icon", id: `file-remove-${i}`, attrs: { "aria-label": t("file.remove", { name: entry.file.name }) },
        title: t("file.remove", { name: entry.file.name }), on: { click: () => onRemove(i) } }, "×")));
  });
  $("file-list").hidden = files.length === 0;
  if (focused) (document.getElementById(focused) ?? document.getElementById(`file-${active}`) ?? $("data-file")).focus();
}

/** Renders the active file's facts and first rows (or hides them). */
export function renderPreview(entry) {
  const info = $("file-info");
  const p = entry?.preview;
  info.hidden = !p;
  if (!p) return;
  const facts = $("file-facts");
  const fact = (key, value) => h("div", {}, h("dt", {}, t(key)), h("dd", {}, value));
  facts.replaceChildren(
    fact("file.encoding", `${t(`enc.${p.encoding}`)}${p.bom ? t("enc.bom") : ""}`),
    fact("file.lineEnding", t(`le.${p.line_ending}`)),
    fact("file.rows", t("file.rowsValue", { rows: num(p.estimated_rows) })),
    fact("file.columns", num(p.headers.length)),
    fact("file.delimiter", t(`delim.${p.delimiter}`)),
  );
  const table = $("preview");
  const caption = h("caption", { id: "preview-caption" }, t("file.previewCaption", { n: p.rows.length }));
  const head = h("thead", {}, h("tr", {},
    h("th", { scope: "col" }, t("file.rowNo")),
    p.headers.map((name) => h("th", { scope: "col" }, name))));
  const body = h("tbody", {}, p.rows.map((row, i) => h("tr", {},
    h("th", { scope: "row" }, String(i + 1)),
    p.headers.map((_, j) => h("td", {}, row[j] ?? "")))));
  table.replaceChildren(caption, head, body);
}

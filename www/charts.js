// Inline SVG bar charts built with DOM APIs (no markup strings, no inline styles: colors come
// from classes in style.css). Each chart is an image with a title and a text description that
// lists every value, so screen readers get the same numbers.
import { svg } from "./dom.js";
import { num } from "./i18n.js";

const WIDTH = 520;
const LABEL = 200;
const BAR = 22;
const GAP = 10;
const VALUE_ROOM = 70;

let serial = 0;

/** A horizontal bar chart of `bars` ([{label, value, cls}]) titled `title`. */
export function barChart(title, bars) {
  const id = `chart-${++serial}`;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const span = WIDTH - LABEL - VALUE_ROOM;
  const height = bars.length * (BAR + GAP) + GAP;
  const root = svg("svg", {
    viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height, role: "img",
    "aria-labelledby": `${id}-title ${id}-desc`, class: "chart",
  },
  svg("title", { id: `${id}-title` }),
  svg("desc", { id: `${id}-desc` }));
  root.querySelector("title").textContent = title;
  root.querySelector("desc").textContent = bars.map((b) => `${b.label}: ${num(b.value)}`).join("; ");
  bars.forEach((b, i) => {
    const y = GAP + i * (BAR + GAP);
    const w = b.value > 0 ? Math.max(2, (b.value / max) * span) : 0;
    const label = svg("text", { x: LABEL - 8, y: y + BAR / 2, class: "chart-label", "text-anchor": "end", "dominant-baseline": "central" });
    label.textContent = b.label;
    const value = svg("text", { x: LABEL + w + 6, y: y + BAR / 2, class: "chart-value", "dominant-baseline": "central" });
    value.textContent = num(b.value);
    root.append(
      svg("rect", { x: LABEL, y, width: span, height: BAR, class: "chart-track" }),
      svg("rect", { x: LABEL, y, width: w, height: BAR, class: `chart-bar ${b.cls ?? ""}`.trim() }),
      label, value);
  });
  return root;
}

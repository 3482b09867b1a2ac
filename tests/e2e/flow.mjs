// The steps of the browser tool as a person takes them, shared by the end-to-end tests: choose
// files, load the key, choose a preset, change an action, save the plan, run, download; plus an
// axe-core accessibility check that works under the page's strict CSP.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { ROOT } from "./harness.mjs";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
export const DATA = `${ROOT}tests/data/`;
export const SAMPLE = `${ROOT}www/samples/sample-sjis.csv`;
export const TEST_KEY = `${DATA}test.key`;

/** Chooses `files` in step 1 and waits for the active file's preview. */
export async function chooseFiles(page, files) {
  await page.setInputFiles("#data-file", files);
  await page.waitForFunction(() => !document.querySelector("#file-info").hidden
    || document.querySelector("#status").dataset.state === "error");
}

/** Loads a key file in step 2 and waits for its fingerprint in the header bar. */
export async function loadKey(page, key = TEST_KEY) {
  await page.setInputFiles("#key-file", key);
  await page.waitForFunction(() => /^[0-9A-F]{4}(-[0-9A-F]{4}){3}$/.test(document.querySelector("#fingerprint").textContent));
  return page.textContent("#fingerprint");
}

/** Waits until the plan's "after" column shows the sample run of the current plan. */
export async function waitForSample(page) {
  await page.waitForFunction(() => document.body.dataset.sampled === document.body.dataset.plans);
}

/** Chooses a preset in step 3 and waits for the suggested plan and its sample. */
export async function choosePreset(page, preset = "kamei") {
  const before = await page.evaluate(() => document.body.dataset.plans ?? "0");
  await page.check(`#preset-${preset}`);
  await page.waitForFunction((b) => (document.body.dataset.plans ?? "0") !== b, before);
  await waitForSample(page);
}

/** The plan's action <select> of `column`. */
export const actionSelect = (column) => `#plan select[data-role="action"][data-column="${column}"]`;

/** Sets `column`'s action and waits for the sample to show it. */
export async function setAction(page, column, action) {
  await page.selectOption(actionSelect(column), action);
  await page.waitForFunction(([c, a]) =>
    [...document.querySelectorAll("#plan tbody tr")].some((tr) => tr.dataset.column === c && tr.dataset.action === a),
  [column, action]);
}

/** Clicks `selector` and returns the download's bytes and suggested name. */
export async function downloadOf(page, selector) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  return { bytes: readFileSync(await download.path()), name: download.suggestedFilename(), path: await download.path() };
}

/** Starts a run and waits until it is done or has failed. */
export async function runAndWait(page, timeout = 120000) {
  await page.click("#run");
  await page.waitForFunction(() => document.body.dataset.done === "1"
    || (document.querySelector("#status").dataset.state === "error" && !document.body.dataset.running), null, { timeout });
}

/** axe-core on the page as it is: no serious or critical violation. Returns all violations. */
export async function checkA11y(page, step) {
  // page.evaluate runs through the DevTools protocol, which the page's CSP does not restrict
  // (addScriptTag would add an inline script, which the CSP refuses).
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }));
  });
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad, [], `${step}: axe found serious or critical violations:\n${JSON.stringify(bad, null, 2)}`);
  return violations;
}

/** A viewport screenshot with `selector` scrolled to just under the sticky header bar. */
export async function shot(page, selector, path) {
  await page.evaluate((s) => document.querySelector(s)?.scrollIntoView({ block: "start" }), selector);
  await page.waitForTimeout(50);
  await page.screenshot({ path });
}

// Without a mouse and without a network: every step can be taken from the keyboard with a visible
// focus, and after the first visit the page (and its wasm) loads and runs offline.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ready, withPage } from "./harness.mjs";
import { DATA, SAMPLE, TEST_KEY, actionSelect, choosePreset, chooseFiles, loadKey, runAndWait } from "./flow.mjs";

/** Presses Tab until the element with `id` has focus; fails after `limit` presses. */
async function tabTo(page, id, limit = 60) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((x) => document.activeElement?.id === x, id)) return;
  }
  assert.fail(`Tab never reached #${id}`);
}

const focusVisible = (page) => page.evaluate(() => {
  const el = document.activeElement;
  const own = getComputedStyle(el);
  // A visually hidden file input shows its focus on the label that follows it.
  const shown = el.type === "file" ? getComputedStyle(el.nextElementSibling) : own;
  return el.matches(":focus-visible") && shown.outlineStyle !== "none" && parseFloat(shown.outlineWidth) >= 2;
});

test("every step works from the keyboard, with a visible focus", async () => {
  await withPage(async (s) => {
    const { page } = s;
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.className), "skip");
    assert.equal(await focusVisible(page), true);

    await tabTo(page, "data-file");
    assert.equal(await focusVisible(page), true, "the file button shows focus");
    const [files] = await Promise.all([page.waitForEvent("filechooser"), page.keyboard.press("Space")]);
    await files.setFiles([SAMPLE, `${DATA}export-varied-sjis.csv`]);
    await page.waitForSelector("#file-info:not([hidden])");
    // Arrow keys switch the active file; the focus stays on the list.
    await page.focus("#file-0");
    await page.keyboard.press("ArrowDown");
    await page.waitForFunction(() => /export-varied/.test(document.querySelector("#status").textContent));
    assert.equal(await page.evaluate(() => document.activeElement.id), "file-1");
    await page.keyboard.press("ArrowUp");
    await page.waitForFunction(() => /sample-sjis/.test(document.querySelector("#status").textContent));
    assert.equal(await page.evaluate(() => document.activeElement.id), "file-0");

    await tabTo(page, "key-file");
    const [key] = await Promise.all([page.waitForEvent("filechooser"), page.keyboard.press("Space")]);
    await key.setFiles(TEST_KEY);
    await page.waitForFunction(() => /^[0-9A-F]{4}-/.test(document.querySelector("#fingerprint").textContent));

    const plans = await page.evaluate(() => document.body.dataset.plans ?? "0");
    await tabTo(page, "preset-kamei");
    await page.keyboard.press("Space");
    await page.waitForFunction((b) => document.body.dataset.plans !== b && document.body.dataset.sampled === document.body.dataset.plans, plans);

    // An action changed with the arrow keys; the table re-renders and the focus stays put.
    await page.focus(actionSelect("性別"));
    await page.keyboard.press("ArrowDown");
    await page.waitForFunction(() => document.querySelector('#plan tr[data-column="性別"]').dataset.action !== "keep");
    const focused = await page.evaluate(() => ({ ...document.activeElement.dataset }));
    assert.deepEqual(focused, { column: "性別", role: "action" });
    assert.equal(await focusVisible(page), true);

    await tabTo(page, "run");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.body.dataset.done === "1");
    // Focus moves to the result, and its downloads are next in the tab order.
    assert.equal(await page.evaluate(() => document.activeElement.id), "result-heading");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.id), "download-data");
    assert.match(await page.textContent("#summary"), /入力 200 行/);
    assert.deepEqual(s.offOrigin, []);
  });
});

test("after the first visit the page loads and runs offline (service worker)", async () => {
  await withPage(async (s) => {
    const { page, context } = s;
    await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 30000 });
    await context.setOffline(true);
    await ready(page, s.url);
    assert.equal(await page.getAttribute("#status", "data-key"), "ready");
    // The network is really off: what the cache lacks cannot be fetched.
    assert.equal(await page.evaluate(() => fetch(`not-cached-${Date.now()}`).then(() => "online", () => "offline")), "offline");
    await chooseFiles(page, SAMPLE);
    await loadKey(page);
    await choosePreset(page, "kamei");
    await runAndWait(page);
    assert.match(await page.textContent("#summary"), /入力 200 行/);
    await context.setOffline(false);
    assert.deepEqual(s.offOrigin, []);
  });
});

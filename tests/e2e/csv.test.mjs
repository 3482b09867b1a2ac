// Processing a CSV in the page: the download equals the CLI's output byte for byte, errors name
// the line, cancel leaves the page usable, and nothing leaves the origin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open, ready, cli, ROOT, SHOTS } from "./harness.mjs";

const DATA = `${ROOT}tests/data/`;
const SAMPLE = `${ROOT}www/samples/sample-sjis.csv`;

async function loadKeyAndPolicy(page, policy = `${DATA}policy-sample.json`) {
  await page.setInputFiles("#key-file", `${DATA}test.key`);
  await page.waitForFunction(() => /^[0-9A-F]{4}-/.test(document.querySelector("#fingerprint").textContent));
  await page.setInputFiles("#policy-file", policy);
}

async function runAndWait(page) {
  await page.click("#run");
  await page.waitForFunction(() => document.body.dataset.done === "1" || document.querySelector("#status").dataset.state === "error", null, { timeout: 120000 });
}

test("the page's output equals the CLI's, byte for byte, and the report adds up", async () => {
  const s = await open();
  try {
    const { page } = s;
    await ready(page, s.url);
    await loadKeyAndPolicy(page);
    await page.setInputFiles("#data-file", SAMPLE);
    assert.equal(await page.locator("#plan tbody tr").count(), 19);
    await page.screenshot({ path: `${SHOTS}03-plan.png`, fullPage: true });
    await runAndWait(page);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-data")]);
    const got = readFileSync(await download.path());
    const dir = mkdtempSync(join(tmpdir(), "deid-e2e-"));
    cli(["apply", "--policy", `${DATA}policy-sample.json`, "--key", `${DATA}test.key`, "--in", SAMPLE, "--out", `${dir}/cli.csv`]);
    assert.ok(got.equals(readFileSync(`${dir}/cli.csv`)), "browser and CLI outputs differ");
    assert.ok(got.equals(readFileSync(`${DATA}sample-expected.csv`)));
    const [rd] = await Promise.all([page.waitForEvent("download"), page.click("#download-report")]);
    const report = JSON.parse(readFileSync(await rd.path(), "utf8"));
    assert.deepEqual(report.rows, { in: 200, out: 200, rejected: 0, opted_out: 0 });
    assert.equal(report.input.encoding, "shift_jis");
    assert.match(await page.textContent("#summary"), /200/);
    await page.screenshot({ path: `${SHOTS}04-result.png`, fullPage: true });
    assert.deepEqual(s.offOrigin, []);
    assert.deepEqual(s.websockets, []);
  } finally {
    await s.close();
  }
});

test("a malformed file gives a readable error naming its line, rejected rows are listed", async () => {
  const s = await open();
  try {
    const { page } = s;
    await ready(page, s.url);
    await loadKeyAndPolicy(page);
    const dir = mkdtempSync(join(tmpdir(), "deid-e2e-"));
    writeFileSync(`${dir}/cut.csv`, "患者ID,病名\n1,高血圧\n2,\"糖尿病\n3,喘息\n");
    await page.setInputFiles("#data-file", `${dir}/cut.csv`);
    await runAndWait(page);
    const message = await page.textContent("#status");
    assert.match(message, /not closed/);
    assert.match(message, /line 3/);
    // A ragged row is rejected and listed with its row number; the page stays usable.
    writeFileSync(`${dir}/ragged.csv`, "患者ID,病名\n1,高血圧\n2\n3,喘息\n");
    await page.setInputFiles("#data-file", `${dir}/ragged.csv`);
    await runAndWait(page);
    assert.match(await page.textContent("#summary"), /3/);
    assert.match(await page.textContent("#result-warnings"), /2/);
    await page.screenshot({ path: `${SHOTS}05-rejected.png`, fullPage: true });
  } finally {
    await s.close();
  }
});

test("cancel mid-run leaves the page usable", async () => {
  const s = await open();
  try {
    const { page } = s;
    await ready(page, s.url);
    await loadKeyAndPolicy(page);
    // A generated file large enough to still be running when cancel is pressed.
    const dir = mkdtempSync(join(tmpdir(), "deid-e2e-"));
    const sample = readFileSync(SAMPLE);
    const body = sample.subarray(sample.indexOf(0x0a) + 1);
    const big = Buffer.concat([sample, ...Array(400).fill(body)]);
    writeFileSync(`${dir}/big.csv`, big);
    await page.setInputFiles("#data-file", `${dir}/big.csv`);
    await page.click("#run");
    await page.waitForFunction(() => Number(document.querySelector("#progress").value) > 0);
    await page.click("#cancel");
    await page.waitForFunction(() => document.querySelector("#status").dataset.i18n === "run.cancelled", null, { timeout: 60000 });
    assert.equal(await page.isHidden("#result"), true);
    // Usable again: the same page runs the small sample to the end.
    await page.setInputFiles("#data-file", SAMPLE);
    await runAndWait(page);
    assert.match(await page.textContent("#summary"), /200/);
  } finally {
    await s.close();
  }
});

// The browser tool on a FHIR export: drop the committed synthetic JP Core NDJSON fixture, load the
// key, choose 仮名加工, run (two passes in the worker: the patients first, then the output),
// download. The download equals the CLI's output for the saved plan, and the committed expected
// output (tests/fhir_expected.rs holds the CLI to it), byte for byte; the report counts the
// resources in and out; nothing leaves the origin. Step 3 previews the first resources before →
// after: with the key, exactly the run's output for them; without it, marked "needs the key";
// under 匿名加工, the quasi-identifiers marked as chosen over the whole file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { assertContained, cli, withPage, ROOT, SHOTS } from "./harness.mjs";
import { DATA, TEST_KEY, chooseFiles, loadKey, choosePreset, downloadOf, runAndWait, shot, checkA11y } from "./flow.mjs";

const FIXTURE = `${DATA}fhir-sample.ndjson`;
const RESOURCES = 254; // lines of the fixture; tests/fhir_expected.rs checks the same count
const vectors = JSON.parse(readFileSync(`${ROOT}tests/data/vectors.json`, "utf8"));

/** A policy without the day it was suggested on (the browser suggests with today's date). */
function undated(policy) {
  const { reference_date: _, ...rest } = policy;
  return rest;
}

const inputLines = readFileSync(FIXTURE, "utf8").split("\n").filter(Boolean);
const FIRST = JSON.parse(inputLines[0]);
const FAMILY = FIRST.name[0].family; // 伊藤

/** The preview's resources: type, index in the file, and the text of both sides. */
function previewed(page) {
  return page.$$eval("#fhir-sample figure", (figures) => figures.map((f) => ({
    type: f.dataset.type, index: Number(f.dataset.index),
    before: f.querySelector(".before pre").textContent, after: f.querySelector(".after pre").textContent,
  })));
}

test("FHIR NDJSON under 仮名加工: the download equals the CLI's output byte for byte", async () => {
  await withPage(async (s, dir) => {
    const { page } = s;
    await chooseFiles(page, FIXTURE);
    assert.notEqual(await page.getAttribute("#status", "data-state"), "error", await page.textContent("#status"));
    assert.match(await page.textContent("#file-facts"), /UTF-8/);
    assert.match(await page.textContent("#preview tbody"), /"resourceType":"Patient"/);

    assert.equal(await loadKey(page), vectors.fingerprint);
    await choosePreset(page, "kamei");
    // The preview: the first Patient and resources linked to it, each after exactly as the run
    // writes it (compared with the committed expected output below).
    const expected = readFileSync(`${DATA}fhir-expected-kamei.ndjson`, "utf8").split("\n").filter(Boolean);
    const shown = await previewed(page);
    assert.equal(shown.length, 4, JSON.stringify(shown.map((x) => x.type)));
    assert.equal(shown[0].type, "Patient");
    assert.equal(shown[0].index, 0);
    assert.ok(shown[0].before.includes(FAMILY), "the before side lacks the patient's family name");
    for (const x of shown) {
      assert.ok(!x.after.includes(FAMILY), `the after side of ${x.type} holds the family name`);
      assert.deepEqual(JSON.parse(x.after), JSON.parse(expected[x.index]), `${x.type} (resource ${x.index + 1})`);
    }
    assert.match(JSON.parse(shown[0].after).id, /^[0-9A-Z]{16}$/);
    assert.notEqual(JSON.parse(shown[0].after).id, FIRST.id);
    for (const x of shown.slice(1)) assert.ok(x.before.includes(`"Patient/${FIRST.id}"`), `${x.type} is not the patient's`);
    await shot(page, "#fhir-sample", `${SHOTS}10-fhir-preview.png`);

    const plan = await downloadOf(page, "#plan-save");
    const policy = JSON.parse(plan.bytes.toString("utf8"));
    assert.equal(policy.preset, "kamei");
    assert.equal(policy.input.format, "ndjson");
    const committed = JSON.parse(readFileSync(`${DATA}fhir-policy-kamei.json`, "utf8"));
    assert.deepEqual(undated(policy), undated(committed), "the browser's plan is not the preset's");

    await runAndWait(page);
    assert.notEqual(await page.getAttribute("#status", "data-state"), "error", await page.textContent("#status"));
    const summary = await page.textContent("#summary");
    assert.match(summary, new RegExp(`入力 ${RESOURCES} リソース：出力 ${RESOURCES} リソース、除外（エラー） 0 件、提供停止 0 件`));

    const out = await downloadOf(page, "#download-data");
    assert.match(out.name, /\.ndjson$/);
    const cliOut = `${dir}/cli.ndjson`;
    cli(["apply", "--policy", plan.path, "--key", TEST_KEY, "--in", FIXTURE, "--out", cliOut]);
    assert.ok(out.bytes.equals(readFileSync(cliOut)), "browser and CLI outputs differ");
    assert.ok(out.bytes.equals(readFileSync(`${DATA}fhir-expected-kamei.ndjson`)),
      "browser output differs from tests/data/fhir-expected-kamei.ndjson");

    const report = JSON.parse((await downloadOf(page, "#download-report")).bytes.toString("utf8"));
    assert.deepEqual(report.rows, { in: RESOURCES, out: RESOURCES, rejected: 0, opted_out: 0, suppressed: 0 });
    assert.equal(report.fhir.format, "ndjson");
    assert.equal(report.fhir.patients, 16);
    assert.equal(Object.values(report.fhir.resources).reduce((a, b) => a + b, 0), RESOURCES);
    for (const type of ["Patient", "Coverage", "Encounter", "Condition", "Observation", "MedicationRequest"]) {
      assert.ok(report.fhir.resources[type] > 0, `no ${type} in the report: ${JSON.stringify(report.fhir.resources)}`);
    }
    assert.equal(report.key_fingerprint, vectors.fingerprint);

    assertContained(s);
  }, { tempDir: "deid-e2e-fhir-" });
});

test("FHIR preview without a key, then under 匿名加工: marked, never failing, nothing sent", async () => {
  await withPage(async (s) => {
    const { page } = s;
    await chooseFiles(page, FIXTURE);
    await choosePreset(page, "kamei");
    assert.notEqual(await page.getAttribute("#status", "data-state"), "error", await page.textContent("#status"));
    assert.match(await page.textContent("#fhir-sample-note"), /鍵が読み込まれていない/);
    let [patient] = await previewed(page);
    assert.ok(patient.before.includes(FAMILY));
    assert.ok(!patient.after.includes(FAMILY));
    assert.ok(!patient.after.includes(FIRST.id), "the unkeyed preview shows the real id");
    assert.match(patient.after, /"id": （鍵が必要）/);

    // Loading the key refreshes the preview with the pseudonyms.
    await loadKey(page);
    await page.waitForFunction(() => !document.querySelector("#fhir-sample .after pre")?.textContent.includes("鍵が必要"));
    [patient] = await previewed(page);
    assert.match(JSON.parse(patient.after).id, /^[0-9A-Z]{16}$/);

    await choosePreset(page, "tokumei");
    assert.match(await page.textContent("#fhir-sample-note"), /Patient\.birthDate/);
    [patient] = await previewed(page);
    assert.ok(!patient.after.includes(FIRST.birthDate), "the birth date is shown before the levels are chosen");
    assert.match(patient.after, /"birthDate": （k-匿名化：全体で決定）/);
    assert.match(patient.after, /"address": （k-匿名化：全体で決定）/);
    assert.ok(!patient.after.includes(FAMILY));
    // A FHIR plan has no columns: the column table is hidden, the resources' preview shown.
    assert.equal(await page.isVisible("#plan"), false);
    await checkA11y(page, "FHIR preview");
    assertContained(s);
  });
});

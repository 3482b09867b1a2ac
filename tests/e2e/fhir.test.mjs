// The browser tool on a FHIR export: drop the committed synthetic JP Core NDJSON fixture, load the
// key, choose 仮名加工, run (two passes in the worker: the patients first, then the output),
// download. The download equals the CLI's output for the saved plan, and the committed expected
// output (tests/fhir_expected.rs holds the CLI to it), byte for byte; the report counts the
// resources in and out; nothing leaves the origin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { assertContained, cli, withPage, ROOT } from "./harness.mjs";
import { DATA, TEST_KEY, chooseFiles, loadKey, choosePreset, downloadOf, runAndWait } from "./flow.mjs";

const FIXTURE = `${DATA}fhir-sample.ndjson`;
const RESOURCES = 254; // lines of the fixture; tests/fhir_expected.rs checks the same count
const vectors = JSON.parse(readFileSync(`${ROOT}tests/data/vectors.json`, "utf8"));

/** A policy without the day it was suggested on (the browser suggests with today's date). */
function undated(policy) {
  const { reference_date: _, ...rest } = policy;
  return rest;
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

// The browser tool's main flow, as clinic staff take it: choose files, load the key, choose
// 仮名加工, change an action, save the plan, run, download. The download equals the CLI's output
// for the saved plan byte for byte; every step passes axe; nothing leaves the origin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { assertContained, cli, withPage, ROOT, SHOTS } from "./harness.mjs";
import {
  SAMPLE, TEST_KEY, chooseFiles, loadKey, choosePreset, setAction, downloadOf, runAndWait, checkA11y, shot, waitForSample,
} from "./flow.mjs";

const vectors = JSON.parse(readFileSync(`${ROOT}tests/data/vectors.json`, "utf8"));
const rowOf = (column) => `#plan tbody tr[data-column="${column}"]`;

test("full run on Shift_JIS files: plan changed and saved, downloads equal the CLI's output for that plan", async () => {
  await withPage(async (s, dir) => {
    const { page } = s;
    const synth = `${dir}/synth-5000.csv`;
    execFileSync("python3", [`${ROOT}scripts/synth.py`, "--rows", "5000", "--encoding", "cp932", "--out", synth]);
    await checkA11y(page, "start");

    // Step 1: two files at once; the first is active, with its facts and first rows.
    await chooseFiles(page, [SAMPLE, synth]);
    assert.equal(await page.locator("#file-options input[type=radio]").count(), 2);
    assert.equal(await page.isChecked("#file-0"), true);
    const facts = await page.textContent("#file-facts");
    assert.match(facts, /Shift_JIS/);
    assert.match(facts, /CRLF/);
    assert.match(facts, /約 200 行/);
    assert.equal(await page.locator("#preview tbody tr").count(), 5);
    assert.equal(await page.locator("#preview thead th").count(), 21);
    await checkA11y(page, "file loaded");
    await shot(page, "#step-file", `${SHOTS}01-file.png`);

    // Step 2: the key; its fingerprint is in the header bar.
    assert.equal(await loadKey(page), vectors.fingerprint);
    assert.match(await page.textContent("#keybar"), new RegExp(vectors.fingerprint));
    await checkA11y(page, "key loaded");
    await shot(page, "#step-key", `${SHOTS}02-key.png`);

    const expectedRows = { [SAMPLE]: 200, [synth]: 5000 };
    for (const [i, file] of [SAMPLE, synth].entries()) {
      if (i > 0) {
        await page.check(`#file-${i}`);
        await page.waitForFunction(() => /約 5,0\d\d 行|約 4,9\d\d 行/.test(document.querySelector("#file-facts").textContent));
      }
      // Step 3: 仮名加工, one row per column with its detected type and reason.
      await choosePreset(page, "kamei");
      assert.equal(await page.locator("#plan tbody tr").count(), 20);
      assert.match(await page.textContent(`${rowOf("患者ID")} td:nth-child(2)`), /^患者ID（\d+%）$/);
      assert.match(await page.textContent(`${rowOf("患者ID")} .reason`), /仮名/);
      assert.equal(await page.textContent(`${rowOf("氏名")} .after`), "（削除）");
      assert.match(await page.getAttribute(rowOf("医師所見"), "class"), /review/);
      assert.equal(await page.textContent(`${rowOf("性別")} .after`), await page.textContent(`${rowOf("性別")} td:nth-child(5)`));
      await setAction(page, "性別", "drop");
      await page.waitForFunction((sel) => document.querySelector(sel).textContent === "（削除）", `${rowOf("性別")} .after`);
      assert.match(await page.textContent(`${rowOf("性別")} .reason`), /利用者が変更しました（提案：そのまま）/);
      if (i === 0) {
        await checkA11y(page, "plan shown");
        await shot(page, "#plan-heading", `${SHOTS}03-plan.png`);
        await page.screenshot({ path: `${ROOT}docs/screenshot.png` });
      }
      const plan = await downloadOf(page, "#plan-save");
      assert.match(plan.name, /\.plan\.json$/);
      const policy = JSON.parse(plan.bytes.toString("utf8"));
      assert.equal(policy.preset, "kamei");
      assert.deepEqual(policy.columns["性別"], { action: "drop" });

      // Steps 4 and 5: run, then download the file and the report.
      await runAndWait(page);
      assert.notEqual(await page.getAttribute("#status", "data-state"), "error", await page.textContent("#status"));
      assert.match(await page.textContent("#summary"), new RegExp(`入力 ${expectedRows[file].toLocaleString("en-US")} 行`));
      assert.equal(await page.locator("#charts svg").count(), 2);
      if (i === 0) {
        await checkA11y(page, "result");
        await shot(page, "#result-heading", `${SHOTS}05-result.png`);
      }
      const out = await downloadOf(page, "#download-data");
      const cliOut = `${dir}/cli-${i}.csv`;
      cli(["apply", "--policy", plan.path, "--key", TEST_KEY, "--in", file, "--out", cliOut]);
      assert.ok(out.bytes.equals(readFileSync(cliOut)), `browser and CLI outputs differ for ${file}`);
      const report = JSON.parse((await downloadOf(page, "#download-report")).bytes.toString("utf8"));
      assert.deepEqual(report.rows, { in: expectedRows[file], out: expectedRows[file], rejected: 0, opted_out: 0, suppressed: 0 });
      assert.equal(report.input.encoding, "shift_jis");
      assert.equal(report.output.encoding, "shift_jis");
      assert.equal(report.key_fingerprint, vectors.fingerprint);
      assert.equal(report.columns.find((c) => c.name === "性別").action, "drop");
      // Free text is scrubbed, not dropped: the report and the result table count the tags.
      const notes = report.columns.find((c) => c.name === "医師所見");
      assert.equal(notes.action, "scrub_text");
      assert.ok(notes.scrubbed.name > 0, JSON.stringify(notes));
      assert.match(await page.textContent("#result-columns"), new RegExp(`氏名 ${notes.scrubbed.name.toLocaleString("en-US")}`));
    }
    // Nothing off-origin, no script error and no Content-Security-Policy refusal along the way.
    assertContained(s);
  }, { tempDir: "deid-e2e-" });
});

test("a malformed file gives a readable error naming its line; rejected rows are listed", async () => {
  await withPage(async (s, dir) => {
    const { page } = s;
    // Cut short within the first 256 KiB: found as soon as the file is chosen.
    writeFileSync(`${dir}/cut.csv`, "患者ID,病名\n1,高血圧\n2,\"糖尿病\n3,喘息\n");
    await chooseFiles(page, `${dir}/cut.csv`);
    assert.equal(await page.getAttribute("#status", "data-state"), "error");
    const early = await page.textContent("#status");
    assert.match(early, /ファイルの 3 行目: 引用符（"）が閉じていません/);
    assert.match(early, /not closed/);

    // Cut short further on: found by the run, which names the line and produces nothing.
    const sample = readFileSync(SAMPLE);
    const body = sample.subarray(sample.indexOf(0x0a) + 1);
    const whole = Buffer.concat([sample, ...Array(10).fill(body)]);
    const line = whole.toString("latin1").split("\n").length; // the line the last record starts on
    writeFileSync(`${dir}/cut-late.csv`, Buffer.concat([whole, Buffer.from('99999999,"unterminated')]));
    await chooseFiles(page, `${dir}/cut-late.csv`);
    await loadKey(page);
    await choosePreset(page, "kamei");
    await runAndWait(page);
    const late = await page.textContent("#status");
    assert.match(late, new RegExp(`ファイルの ${line} 行目: 引用符`));
    assert.equal(await page.isHidden("#step-result"), true);
    await checkA11y(page, "error shown");
    await shot(page, "#status", `${SHOTS}06-error.png`);
    assert.equal(await page.isEnabled("#run"), true);

    // A ragged row is rejected and listed with its row, line and reason; the page stays usable.
    writeFileSync(`${dir}/ragged.csv`, "患者ID,病名\n1,高血圧\n2\n3,喘息\n");
    await chooseFiles(page, `${dir}/ragged.csv`);
    await choosePreset(page, "kamei");
    await runAndWait(page);
    assert.match(await page.textContent("#summary"), /入力 3 行：出力 2 行、除外（エラー） 1 行/);
    const rejected = await page.locator("#rejected tbody tr").allTextContents();
    assert.equal(rejected.length, 1);
    assert.match(rejected[0], /^23/);
    assert.match(rejected[0], /列の数が 1 で、見出し行の 2 と合いません/);
    assert.match(await page.textContent("#result-warnings"), /1 行を除外しました/);
    await shot(page, "#result-heading", `${SHOTS}07-rejected.png`);
    assert.deepEqual(s.offOrigin, []);
  }, { tempDir: "deid-e2e-" });
});

test("cancel mid-run leaves the page usable, and a full run then completes", async () => {
  await withPage(async (s, dir) => {
    const { page } = s;
    // ~200 MB: long enough to still be running while axe checks the page.
    const sample = readFileSync(SAMPLE);
    const body = sample.subarray(sample.indexOf(0x0a) + 1);
    writeFileSync(`${dir}/big.csv`, Buffer.concat([sample, ...Array(4000).fill(body)]));
    await chooseFiles(page, `${dir}/big.csv`);
    await loadKey(page);
    await choosePreset(page, "kamei");
    await page.click("#run");
    await page.waitForFunction(() => Number(document.querySelector("#progress").value) > 0);
    assert.equal(await page.isEnabled("#cancel"), true);
    assert.equal(await page.isDisabled("#run"), true);
    await checkA11y(page, "running");
    await shot(page, "#run-heading", `${SHOTS}04-running.png`);
    assert.equal(await page.evaluate(() => document.body.dataset.running), "1", "still running after the checks");
    assert.match(await page.textContent("#progress-text"), /行\/秒|毎秒 [\d,]+ 行/);
    await page.click("#cancel");
    await page.waitForFunction(() => document.querySelector("#status").dataset.key === "run.cancelled", null, { timeout: 60000 });
    assert.equal(await page.isHidden("#step-result"), true);
    assert.equal(await page.isEnabled("#run"), true);
    assert.equal(await page.isDisabled("#cancel"), true);

    // Usable again: the sample, added to the list, runs to the end.
    await chooseFiles(page, SAMPLE);
    assert.equal(await page.isChecked("#file-1"), true);
    await choosePreset(page, "kamei");
    await runAndWait(page);
    assert.match(await page.textContent("#summary"), /入力 200 行/);
    // And the big file, back in the list, still runs in full.
    await page.check("#file-0");
    await waitForSample(page);
    await runAndWait(page, 180000);
    assert.match(await page.textContent("#summary"), /入力 800,200 行/);
    assert.deepEqual(s.offOrigin, []);
  }, { tempDir: "deid-e2e-" });
});

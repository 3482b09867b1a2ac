// The plan as staff reuse it: saved and loaded back, 匿名加工 equal to the CLI, an opt-out list,
// tokenize with its correspondence table offered apart, English, and the printable summary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { cli, withPage, SHOTS } from "./harness.mjs";
import {
  SAMPLE, TEST_KEY, chooseFiles, loadKey, choosePreset, setAction, actionSelect, downloadOf, runAndWait, checkA11y,
  waitForSample,
} from "./flow.mjs";

const rowOf = (column) => `#plan tbody tr[data-column="${column}"]`;
const sjis = (bytes) => new TextDecoder("shift_jis").decode(bytes);

test("匿名加工 equals the CLI; a saved plan loads back as it was saved", async () => {
  await withPage(async (s, dir) => {
    const { page } = s;
    await chooseFiles(page, SAMPLE);
    // 匿名加工 needs no key: IDs are dropped; birth date, sex and address are quasi-identifiers
    // whose level the k-anonymity search chooses over the whole file.
    await choosePreset(page, "tokumei");
    assert.equal(await page.inputValue(actionSelect("患者ID")), "drop");
    assert.equal(await page.inputValue(actionSelect("生年月日")), "generalize");
    assert.equal(await page.textContent(`${rowOf("生年月日")} .after`), "（k-匿名化）");
    assert.deepEqual(await page.locator("#run-needs-list li").allTextContents(), []);
    await setAction(page, "住所", "drop");
    const plan = await downloadOf(page, "#plan-save");
    await runAndWait(page);
    const out = await downloadOf(page, "#download-data");
    cli(["apply", "--policy", plan.path, "--in", SAMPLE, "--out", `${dir}/tokumei.csv`]);
    assert.ok(out.bytes.equals(readFileSync(`${dir}/tokumei.csv`)), "browser and CLI outputs differ (tokumei)");
    assert.ok(!sjis(out.bytes).includes("田中"), "no name in the output");
    // The result shows the levels the search chose and the class-size chart.
    assert.equal(await page.locator("#anonymization-levels li").count(), 2);
    assert.match(await page.textContent("#anonymization-levels"), /生年月日/);
    assert.ok(await page.locator("#charts figure").count() >= 3);

    // Another preset replaces the plan; loading the saved one brings it back, marked as changed.
    await choosePreset(page, "kamei");
    assert.equal(await page.inputValue(actionSelect("住所")), "generalize_address");
    await page.setInputFiles("#plan-file", { name: "sample.plan.json", mimeType: "application/json", buffer: plan.bytes });
    await page.waitForFunction(() => document.querySelector("#status").dataset.key === "plan.loadedPlan");
    await waitForSample(page);
    assert.equal(await page.isChecked("#preset-tokumei"), true);
    assert.equal(await page.inputValue(actionSelect("住所")), "drop");
    assert.equal(await page.inputValue(actionSelect("生年月日")), "generalize");
    assert.match(await page.textContent(`${rowOf("住所")} th`), /変更済み/);
    assert.match(await page.textContent(`${rowOf("住所")} .reason`), /利用者が変更しました（提案：一般化（k-匿名化））/);
    assert.equal(await page.textContent(`${rowOf("住所")} .after`), "（削除）");

    // A damaged plan file is refused with a readable message; the loaded plan stays.
    await page.setInputFiles("#plan-file", { name: "bad.json", mimeType: "application/json", buffer: Buffer.from("{\"version\": 1,") });
    await page.waitForFunction(() => document.querySelector("#status").dataset.state === "error");
    assert.match(await page.textContent("#status"), /計画ファイル（JSON）を読み取れませんでした/);
    assert.equal(await page.inputValue(actionSelect("住所")), "drop");
    // A plan whose parameter is wrong names the spot (a JSON pointer) before any run.
    const wrong = JSON.parse(plan.bytes.toString("utf8"));
    wrong.columns["住所"] = { action: "generalize_address", to: "street" };
    await page.setInputFiles("#plan-file", { name: "wrong.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(wrong)) });
    await page.waitForFunction(() => document.querySelector("#status").dataset.key === "error.policy");
    assert.match(await page.textContent("#status"), /計画（ポリシー）の \/columns\/住所 に誤りがあります/);
    assert.deepEqual(s.offOrigin, []);
  }, { tempDir: "deid-e2e-" });
});

test("opt-out list, tokenize with its table kept apart, English, and the printable summary", async () => {
  await withPage(async (s, dir) => {
    const { page } = s;
    await chooseFiles(page, SAMPLE);
    // Keyed actions without a key: the run says what is missing, the sample says where.
    await choosePreset(page, "kamei");
    assert.match(await page.textContent("#run-needs-list"), /鍵を用意してください/);
    assert.equal(await page.isDisabled("#run"), true);
    assert.equal(await page.textContent(`${rowOf("患者ID")} .after`), "（鍵を読み込むと表示）");
    await loadKey(page);
    await page.waitForFunction((sel) => document.querySelector(sel).textContent.length === 16, `${rowOf("患者ID")} .after`);
    assert.equal(await page.isEnabled("#run"), true);

    // The first patient opted out (提供停止).
    const first = sjis(readFileSync(SAMPLE)).split("\r\n")[1].split(",")[0];
    writeFileSync(`${dir}/optout.txt`, `${first}\n`);
    await page.setInputFiles("#optout-file", `${dir}/optout.txt`);
    await page.waitForFunction(() => /1 件/.test(document.querySelector("#optout-name").textContent));

    // 氏名 tokenized: its table is a separate download with a warning.
    await setAction(page, "氏名", "tokenize");
    await page.waitForFunction((sel) => document.querySelector(sel).textContent.length === 12, `${rowOf("氏名")} .after`);
    await runAndWait(page);
    const report = JSON.parse((await downloadOf(page, "#download-report")).bytes.toString("utf8"));
    assert.ok(report.rows.opted_out >= 1);
    assert.equal(report.rows.in, 200);
    assert.ok(report.tokens > 0);
    assert.equal(await page.isVisible("#download-tokens"), true);
    assert.match(await page.textContent("#tokens-warning"), /削除情報等/);
    const tokens = await downloadOf(page, "#download-tokens");
    const table = cli(["tokens", "--key", TEST_KEY, "--in", tokens.path]).toString("utf8");
    assert.equal(table.trim().split("\n").length - 1, report.tokens, table.slice(0, 200));
    const out = sjis((await downloadOf(page, "#download-data")).bytes);
    assert.ok(!out.includes(first), "the opted-out patient's ID is not in the output");

    // English: every label switches, the user's change is explained, then back.
    await page.click("#lang");
    assert.equal(await page.textContent("#plan-heading"), "3. Review the plan");
    assert.equal(await page.textContent(`${actionSelect("氏名")} option:checked`), "tokenize (with table)");
    assert.match(await page.textContent(`${rowOf("氏名")} .reason`), /changed by the user \(suggested: drop\)/);
    assert.match(await page.textContent("#summary"), /200 rows in/);
    assert.match(await page.textContent("#result-facts"), /Key fingerprint/);
    await checkA11y(page, "english result");
    await page.screenshot({ path: `${SHOTS}08-english.png` });
    await page.click("#lang");
    assert.equal(await page.textContent("#plan-heading"), "3. 加工の計画を確認する");

    // The printable summary: only the result, without buttons.
    await page.emulateMedia({ media: "print" });
    assert.equal(await page.isHidden("#step-plan"), true);
    assert.equal(await page.isHidden("#download-data"), true);
    assert.equal(await page.isVisible("#summary"), true);
    assert.equal(await page.isVisible("#charts svg >> nth=0"), true);
    await page.screenshot({ path: `${SHOTS}09-print.png`, fullPage: true });
    await page.emulateMedia({ media: "screen" });
    assert.deepEqual(s.offOrigin, []);
  }, { tempDir: "deid-e2e-" });
});

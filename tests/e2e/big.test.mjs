// A generated Shift_JIS export of 1,000,000 rows (≈ 245 MB) runs through the page with memory
// staying bounded, pseudonymized (仮名加工) and then anonymized (匿名加工, two passes): the page's
// and the worker's JS heaps and the browser's resident memory are sampled during each run, the
// peaks printed and checked. Each download equals the CLI's output for the same plan.
// About three minutes, most of it generating the file with scripts/synth.py; DEID_E2E_BIG=0 skips it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open, ready, cli, ROOT } from "./harness.mjs";
import { TEST_KEY, chooseFiles, loadKey, choosePreset, downloadOf } from "./flow.mjs";

const ROWS = Number(process.env.DEID_E2E_BIG_ROWS ?? 1000000); // ≈ 245 MB
const MB = 1 << 20;

async function sha256(path) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest("hex");
}

/** Resident memory (bytes) of every process descended from this one: the browser's. */
function browserRss() {
  const parent = new Map();
  const rss = new Map();
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      parent.set(Number(pid), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      rss.set(Number(pid), Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024);
    } catch {
      // the process ended meanwhile
    }
  }
  const ours = (pid) => {
    for (let p = pid; p > 1; p = parent.get(p) ?? 0) if (p === process.pid) return true;
    return false;
  };
  let total = 0;
  let largest = 0;
  for (const [pid, bytes] of rss) {
    if (pid === process.pid || !ours(pid)) continue;
    total += bytes;
    largest = Math.max(largest, bytes);
  }
  return { total, largest };
}

/** The worker's V8 heap through the DevTools protocol (null where the protocol does not allow it). */
async function workerHeapProbe(browser) {
  try {
    const cdp = await browser.newBrowserCDPSession();
    const { targetInfos } = await cdp.send("Target.getTargets");
    const target = targetInfos.find((t) => t.type === "worker" && t.url.endsWith("/worker.js"));
    if (!target) return null;
    const { sessionId } = await cdp.send("Target.attachToTarget", { targetId: target.targetId, flatten: false });
    let next = 1;
    const waiting = new Map();
    cdp.on("Target.receivedMessageFromTarget", (e) => {
      if (e.sessionId !== sessionId) return;
      const msg = JSON.parse(e.message);
      waiting.get(msg.id)?.(msg);
      waiting.delete(msg.id);
    });
    return async () => {
      const id = next++;
      const reply = new Promise((done) => waiting.set(id, done));
      await cdp.send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id, method: "Runtime.getHeapUsage" }) });
      const msg = await Promise.race([reply, new Promise((done) => setTimeout(() => done(null), 2000))]);
      // The V8 heap and ArrayBuffer backing stores (where chunks and output parts live).
      return msg?.result ? msg.result.usedSize + (msg.result.backingStorageSize ?? 0) : null;
    };
  } catch {
    return null;
  }
}

/** Runs the plan on the page, sampling memory; returns the run's seconds and peaks. */
async function measuredRun(page, browser) {
  const workerHeap = await workerHeapProbe(browser);
  const before = browserRss();
  const peak = { page: 0, worker: 0, rssTotal: 0, rssLargest: 0 };
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0).catch(() => 0);
      peak.page = Math.max(peak.page, heap);
      const w = workerHeap ? await workerHeap() : null;
      if (w != null) peak.worker = Math.max(peak.worker, w);
      const rss = browserRss();
      peak.rssTotal = Math.max(peak.rssTotal, rss.total);
      peak.rssLargest = Math.max(peak.rssLargest, rss.largest);
      await new Promise((done) => setTimeout(done, 200));
    }
  })();
  const t = Date.now();
  await page.click("#run");
  await page.waitForFunction(() => document.body.dataset.done === "1" || document.querySelector("#status").dataset.state === "error",
    null, { timeout: 600000, polling: 500 });
  const seconds = (Date.now() - t) / 1000;
  sampling = false;
  await sampler;
  assert.notEqual(await page.getAttribute("#status", "data-state"), "error", await page.textContent("#status"));
  return { seconds, peak, before };
}

function checkPeaks(label, size, seconds, peak, before, rssLimit = 600 * MB) {
  const mib = (b) => `${(b / MB).toFixed(0)} MiB`;
  console.log(`[big] ${label}: ${(size / MB).toFixed(0)} MiB, ${ROWS} rows: run ${seconds.toFixed(1)} s ` +
    `(${(size / MB / seconds).toFixed(1)} MiB/s); peaks: page JS heap ${mib(peak.page)}, ` +
    `worker JS heap and buffers ${peak.worker ? mib(peak.worker) : "n/a"}, largest browser process RSS ${mib(peak.rssLargest)}, ` +
    `all browser processes RSS ${mib(peak.rssTotal)} (before the run: ${mib(before.largest)} and ${mib(before.total)})`);
  assert.ok(peak.page > 0 && peak.page < 400 * MB, `page JS heap peak ${mib(peak.page)}`);
  assert.ok(peak.worker < 400 * MB, `worker JS heap peak ${mib(peak.worker)}`);
  // The input is ~245 MB and the output ~110 MB: neither may be held whole in a process.
  assert.ok(peak.rssLargest < rssLimit, `largest browser process RSS ${mib(peak.rssLargest)}`);
}

test("a 1M-row (~245 MB) file runs through the page with bounded memory, pseudonymized and anonymized", { skip: process.env.DEID_E2E_BIG === "0" && "DEID_E2E_BIG=0" }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "deid-e2e-big-"));
  const input = `${dir}/big-sjis.csv`;
  let t = Date.now();
  execFileSync("python3", [`${ROOT}scripts/synth.py`, "--rows", String(ROWS), "--encoding", "cp932", "--out", input]);
  const size = statSync(input).size;
  console.log(`[big] generated ${(size / MB).toFixed(0)} MiB, ${ROWS} rows in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  const s = await open();
  try {
    const { page, browser } = s;
    await ready(page, s.url);
    await chooseFiles(page, input);
    await loadKey(page);
    await choosePreset(page, "kamei");
    const plan = await downloadOf(page, "#plan-save");
    const { seconds, peak, before } = await measuredRun(page, browser);
    const report = JSON.parse((await downloadOf(page, "#download-report")).bytes.toString("utf8"));
    assert.equal(report.rows.in, ROWS);
    assert.equal(report.rows.out + report.rows.rejected, ROWS);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-data")]);
    const got = await sha256(await download.path());
    assert.equal(got, report.output.sha256, "the downloaded file is the one the core wrote");
    cli(["apply", "--policy", plan.path, "--key", TEST_KEY, "--in", input, "--out", `${dir}/cli.csv`]);
    assert.equal(got, await sha256(`${dir}/cli.csv`), "browser and CLI outputs differ");

    checkPeaks("仮名加工", size, seconds, peak, before);

    // 匿名加工 on the same file: two passes in the worker, k-anonymous output, same as the CLI.
    await choosePreset(page, "tokumei");
    const plan2 = await downloadOf(page, "#plan-save");
    const second = await measuredRun(page, browser);
    const report2 = JSON.parse((await downloadOf(page, "#download-report")).bytes.toString("utf8"));
    assert.equal(report2.rows.in, ROWS);
    assert.equal(report2.rows.out + report2.rows.rejected + report2.rows.suppressed, ROWS);
    const k = report2.anonymization.risk_after.k;
    assert.ok(report2.anonymization.risk_after.class_sizes.every(([size]) => size >= k), "k-anonymous");
    const [download2] = await Promise.all([page.waitForEvent("download"), page.click("#download-data")]);
    const got2 = await sha256(await download2.path());
    cli(["apply", "--policy", plan2.path, "--in", input, "--out", `${dir}/cli-tokumei.csv`]);
    assert.equal(got2, await sha256(`${dir}/cli-tokumei.csv`), "browser and CLI outputs differ (tokumei)");
    // The first pass adds its statistics (distinct combinations, rare-value hashes) to the worker.
    checkPeaks("匿名加工 (two passes)", size, second.seconds, second.peak, second.before, 900 * MB);
    assert.deepEqual(s.offOrigin, []);
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

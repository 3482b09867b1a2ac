// The first page: key generation and loading, fingerprint and pseudonym agree with the CLI,
// nothing leaves the origin, nothing is persisted, the key never reaches the console.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { open, ready, cli, withPage, ROOT, SHOTS } from "./harness.mjs";

const vectors = JSON.parse(readFileSync(`${ROOT}tests/data/vectors.json`, "utf8"));
const TEST_KEY = `${ROOT}tests/data/test.key`;
const keyHex = (bytes) => /key: ([0-9a-f]{64})/.exec(Buffer.from(bytes).toString("utf8"))[1];

test("key file, fingerprint and pseudonym agree with the CLI; nothing leaves the page", async () => {
  const s = await open();
  try {
    const { page } = s;
    const response = await page.goto(s.url);
    assert.match(response.headers()["content-security-policy"], /default-src 'self'/);
    await ready(page, s.url);
    await page.screenshot({ path: `${SHOTS}00-start.png` });

    // A new key is offered as a download; the file loads in the CLI with the fingerprint shown.
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#key-new")]);
    const generated = readFileSync(await download.path());
    const shown = await page.textContent("#fingerprint");
    assert.match(shown, /^[0-9A-F]{4}(-[0-9A-F]{4}){3}$/);
    const generatedPath = `${await download.path()}`;
    assert.equal(cli(["fingerprint", "--key", generatedPath]).toString().trim(), shown);
    assert.equal(await page.textContent("#key-state"), shown);
    assert.match(await page.textContent("#status"), /鍵ファイル「site-[0-9A-F]{4}\.key」/);
    // The "check a value" box, opened from the keyboard.
    await page.focus("#try summary");
    await page.keyboard.press("Enter");
    await page.fill("#value", "00012345");
    await page.waitForFunction(() => document.querySelector("#pseudonym").textContent.length === 16);
    const withGenerated = await page.textContent("#pseudonym");
    assert.equal(withGenerated, cli(["pseudonym", "--key", generatedPath, "00012345"]).toString().trim());

    // Loading the test key switches to its fingerprint and the shared vectors.
    await page.setInputFiles("#key-file", TEST_KEY);
    await page.waitForFunction((fp) => document.querySelector("#fingerprint").textContent === fp, vectors.fingerprint);
    for (const c of vectors.cases.filter((c) => c.length === 16)) {
      await page.setChecked("#as-name", c.name);
      await page.fill("#value", c.value);
      const expected = c.pseudonym || "—";
      await page.waitForFunction((e) => document.querySelector("#pseudonym").textContent === e, expected);
      assert.notEqual(expected, c.other_key || "x");
    }
    await page.setChecked("#as-name", false);
    await page.fill("#value", "P-778899");
    await page.waitForFunction(() => document.querySelector("#pseudonym").textContent.length === 16);
    const shot = await page.textContent("#pseudonym");
    assert.equal(shot, cli(["pseudonym", "--key", TEST_KEY, "P-778899"]).toString().trim());
    assert.notEqual(shot, withGenerated);
    await page.screenshot({ path: `${SHOTS}02b-check-value.png` });

    // A corrupted key file gives a readable error and keeps the loaded key.
    await page.setInputFiles("#key-file", { name: "bad.key", mimeType: "text/plain", buffer: Buffer.from(readFileSync(TEST_KEY).subarray(0, 60)) });
    await page.waitForFunction(() => document.querySelector("#status").dataset.state === "error");
    assert.match(await page.textContent("#status"), /鍵ファイルが壊れているか、別のファイルです/);
    assert.match(await page.textContent("#status-detail"), /key file refused/);
    assert.equal(await page.textContent("#fingerprint"), vectors.fingerprint);

    // English toggle.
    await page.click("#lang");
    assert.equal(await page.getAttribute("html", "lang"), "en");
    assert.equal(await page.textContent("#key-heading"), "2. Prepare the key");
    assert.match(await page.textContent("#status"), /The key file is damaged/);
    await page.click("#lang");
    assert.equal(await page.textContent("#key-heading"), "2. 鍵を用意する");

    // Nothing persisted: no storage, no cookies, no IndexedDB databases.
    const stored = await page.evaluate(async () => ({
      local: localStorage.length,
      session: sessionStorage.length,
      cookies: document.cookie,
      idb: (await indexedDB.databases()).length,
    }));
    assert.deepEqual(stored, { local: 0, session: 0, cookies: "", idb: 0 });
    assert.deepEqual(await s.context.cookies(), []);

    // The key never reaches the console, and no request left the origin.
    for (const hex of [keyHex(generated), keyHex(readFileSync(TEST_KEY))]) {
      for (const line of s.consoleLines) assert.ok(!line.includes(hex), `key in console: ${line}`);
    }
    assert.deepEqual(s.offOrigin, []);
    assert.deepEqual(s.websockets, []);
    assert.ok(s.requests.some((u) => u.endsWith(".wasm")), "the wasm module was loaded");
  } finally {
    await s.close();
  }
});

test("an off-origin attempt is caught by the recorder and never succeeds", async () => {
  await withPage(async (s) => {
    // Guards the guard: the off-origin recorder must see an attempt, else a green run proves nothing.
    const fetchFailed = await s.page.evaluate(() =>
      fetch("http://192.0.2.1/collect").then(() => false, () => true));
    assert.equal(fetchFailed, true, "CSP connect-src refuses fetch to another origin");
    const imageLoaded = await s.page.evaluate(() => new Promise((done) => {
      const i = new Image();
      i.onload = () => done(true);
      i.onerror = () => done(false);
      i.src = "http://example.invalid/x.png";
    }));
    assert.equal(imageLoaded, false);
    assert.deepEqual(s.offOrigin, ["http://example.invalid/x.png"], "the recorder saw the attempt");
    assert.ok(s.consoleLines.some((l) => /Content Security Policy/.test(l)), "CSP reported the fetch");
  });
});

// Shared by the end-to-end tests: serve www/, drive Debian's Chromium through playwright-core,
// record every request and websocket, and block (and remember) anything off-origin.
import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { start } from "../../scripts/serve.mjs";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const SHOTS = `${ROOT}docs/screenshots/`;
// scripts/test.sh builds the CLI into target/; a helper with its own CARGO_TARGET_DIR has it there.
export const CLI = process.env.CARGO_TARGET_DIR && !existsSync(`${ROOT}target/release/deid-kit`)
  ? `${process.env.CARGO_TARGET_DIR}/release/deid-kit`
  : `${ROOT}target/release/deid-kit`;

/** Runs the native CLI (built by scripts/test.sh) and returns stdout. */
export function cli(args, input) {
  return execFileSync(CLI, args, { input, maxBuffer: 1 << 30 });
}

export async function open({ viewport = { width: 1366, height: 768 } } = {}) {
  const { server, url } = await start({ port: 0 });
  const origin = new URL(url).origin;
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-extensions",
      "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
    ],
  });
  const context = await browser.newContext({ viewport, acceptDownloads: true, locale: "ja-JP" });
  const requests = [];
  const offOrigin = [];
  const websockets = [];
  const consoleLines = [];
  context.on("request", (r) => {
    requests.push(r.url());
    const u = new URL(r.url());
    if (u.origin !== origin && u.protocol !== "data:" && u.protocol !== "blob:") offOrigin.push(r.url());
  });
  await context.route(
    (u) => u.origin !== origin && u.protocol !== "data:" && u.protocol !== "blob:",
    (route) => route.abort("blockedbyclient"),
  );
  const page = await context.newPage();
  page.on("websocket", (ws) => websockets.push(ws.url()));
  page.on("console", (m) => consoleLines.push(m.text()));
  page.on("pageerror", (e) => consoleLines.push(`pageerror: ${e.message}`));
  page.on("worker", (w) => w.on("console", (m) => consoleLines.push(m.text())));
  mkdirSync(SHOTS, { recursive: true });
  return {
    url, origin, browser, context, page, requests, offOrigin, websockets, consoleLines,
    async close() {
      await browser.close();
      await new Promise((ok) => server.close(ok));
    },
  };
}

/** Waits until the page's worker has loaded the wasm package. */
export async function ready(page, url) {
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 30000 });
}

/**
 * Opens the page and waits until it is ready, runs `body(s, dir)` (`dir` a fresh temporary
 * directory when `tempDir` names its prefix), then closes the browser and removes the directory,
 * also when `body` fails.
 */
export async function withPage(body, { tempDir } = {}) {
  const dir = tempDir ? mkdtempSync(join(tmpdir(), tempDir)) : undefined;
  try {
    const s = await open();
    try {
      await ready(s.page, s.url);
      await body(s, dir);
    } finally {
      await s.close();
    }
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** Nothing left the origin, no websocket was opened, no script error or CSP refusal was logged. */
export function assertContained(s) {
  assert.deepEqual(s.offOrigin, []);
  assert.deepEqual(s.websockets, []);
  assert.deepEqual(s.consoleLines.filter((l) => /pageerror|Content Security Policy|Refused/.test(l)), []);
}

// The npm package as a web developer gets it: the nodejs build loads with require(), agrees with
// the shared vectors, and its TypeScript types name real types.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { ROOT } from "./harness.mjs";

const require = createRequire(import.meta.url);
const kit = require(`${ROOT}pkg-node/deid_kit.js`);
const vectors = JSON.parse(readFileSync(`${ROOT}tests/data/vectors.json`, "utf8"));
const testKey = readFileSync(`${ROOT}tests/data/test.key`);

test("npm package (nodejs target) agrees with the vectors", () => {
  assert.equal(kit.keyFingerprint(testKey), vectors.fingerprint);
  for (const c of vectors.cases) {
    assert.equal(kit.pseudonymize(testKey, c.value, { length: c.length, name: c.name }), c.pseudonym);
  }
});

test("errors are DeidErrors with a code and no key", () => {
  const hex = /key: ([0-9a-f]{64})/.exec(testKey.toString())[1];
  const bad = Buffer.from(testKey);
  bad[bad.length - 5] ^= 1;
  assert.throws(() => kit.pseudonymize(bad, "x"), (e) => {
    assert.equal(e.name, "DeidError");
    assert.equal(e.code, "key_file");
    assert.ok(!e.message.includes(hex.slice(0, 12)));
    return true;
  });
  assert.throws(() => kit.pseudonymize(testKey, "x", { lenght: 10 }), /unknown field `lenght`/);
});

test("package.json and TypeScript types of every target", () => {
  for (const dir of ["pkg", "pkg-node", "www/pkg"]) {
    const meta = JSON.parse(readFileSync(`${ROOT}${dir}/package.json`, "utf8"));
    assert.equal(meta.name, "deid-kit");
    assert.ok(meta.description.length > 20);
    assert.ok(meta.license);
    const dts = readFileSync(`${ROOT}${dir}/deid_kit.d.ts`, "utf8");
    const exported = dts.split("\n").filter((l) => /^export (function|class)|^\s+\w+\(.*\):/.test(l));
    assert.ok(exported.length >= 4, dir);
    for (const line of exported) assert.ok(!/\bany\b/.test(line), `${dir}: ${line}`);
    assert.match(dts, /export function pseudonymize\(key_file: Uint8Array \| number\[\], value: string, options\?: PseudonymOptions \| null\): string;/);
    assert.match(dts, /export interface DeidError extends Error/);
  }
});

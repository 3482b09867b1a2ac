#!/usr/bin/env node
// Peer for the benchmark: what a Node user would otherwise write to do deid-kit's job on
// bench/policy.json — papaparse (streaming, header: true) + WebCrypto HMAC-SHA256.
//
//   node bench/peers/papaparse_webcrypto.mjs IN.csv OUT.csv KEYHEX
//
// Same job as the kit with bench/policy.json, column by column:
//   患者ID    pseudonym: HMAC-SHA256(subkey, NFKC + trim + folded whitespace), first 80 bits as
//            Crockford base32 (16 chars); subkey = HMAC(key, "deid-kit/v1/pseudonym")
//   生年月日  YYYY-MM (western 1958/03/14, 1958-3-14, full-width digits, 和暦 昭和33年3月14日,
//            S33.3.14, 令和元年5月1日)
//   郵便番号  first 3 digits
//   住所      prefecture + municipality (a designated city without its ward: 神奈川県横浜市)
//   受診日    shifted by a per-patient offset in ±30 days (never 0), from
//            HMAC(HMAC(key, "deid-kit/v1/date_shift"), patient id without leading zeros);
//            written YYYY-MM-DD
//   dropped   氏名 カナ氏名 電話番号 メールアドレス 個人番号 被保険者記号 被保険者番号 枝番
//   the rest  kept as is
// Unparseable dates / postal codes / addresses become empty; no row is ever dropped.
//
// Streaming: the byte stream is decoded as UTF-8 by Node's StringDecoder (setEncoding), so a
// multibyte character split across two reads is never mangled (papaparse would otherwise call
// chunk.toString() on each Buffer separately). Each papaparse chunk's HMACs are issued together
// (Promise.all) while the next chunks are parsed; at most MAX_IN_FLIGHT chunks are pending
// before the input stream is paused, and output respects the write stream's backpressure.
import fs from "node:fs";
import { webcrypto } from "node:crypto";
import Papa from "papaparse";

const subtle = (globalThis.crypto ?? webcrypto).subtle;
const [IN, OUT, KEYHEX] = process.argv.slice(2);
if (!IN || !OUT || !/^[0-9a-fA-F]{64}$/.test(KEYHEX ?? "")) {
  console.error("usage: papaparse_webcrypto.mjs IN.csv OUT.csv KEYHEX(64 hex)");
  process.exit(2);
}

const DROP = new Set(["氏名", "カナ氏名", "電話番号", "メールアドレス", "個人番号", "被保険者記号",
  "被保険者番号", "枝番"]);
const PID = "患者ID";
const MAX_IN_FLIGHT = 4;
const enc = new TextEncoder();

// ---- keys -------------------------------------------------------------------------------------
async function hmacKey(raw) {
  return subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}
const siteKey = await hmacKey(Buffer.from(KEYHEX, "hex"));
const pseudoKey = await hmacKey(await subtle.sign("HMAC", siteKey, enc.encode("deid-kit/v1/pseudonym")));
const shiftKey = await hmacKey(await subtle.sign("HMAC", siteKey, enc.encode("deid-kit/v1/date_shift")));

// ---- value transforms -------------------------------------------------------------------------
const NON_ASCII = /[^\x00-\x7f]/;
const nfkc = (s) => (NON_ASCII.test(s) ? s.normalize("NFKC") : s);
const normalizeId = (s) => nfkc(s).trim().replace(/\s+/g, " ");

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
function crockford80(buf) {
  const b = new Uint8Array(buf, 0, 10);
  let out = "";
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < 10; i++) {
    acc = ((acc << 8) | b[i]) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += CROCKFORD[(acc >> bits) & 31];
    }
  }
  return out;
}
function shiftDays(buf) {
  // First 64 bits, big-endian, mod 60 (2^32 mod 60 = 16): 0..29 -> -1..-30, 30..59 -> 1..30.
  const v = new DataView(buf);
  const k = ((v.getUint32(0) % 60) * 16 + (v.getUint32(4) % 60)) % 60;
  return k < 30 ? -(k + 1) : k - 29;
}
// The date-shift seed ignores leading zeros of an all-digit ID, so 00123 and １２３ shift alike.
const shiftId = (id) => (/^[0-9]+$/.test(id) ? id.replace(/^0+/, "") || "0" : id);

const ERA = { 明治: 1868, 大正: 1912, 昭和: 1926, 平成: 1989, 令和: 2019, M: 1868, T: 1912, S: 1926, H: 1989, R: 2019 };
const WESTERN = /^(\d{4})\s*[/\-.年]\s*(\d{1,2})\s*[/\-.月]\s*(\d{1,2})\s*日?$/;
const WAREKI = /^(明治|大正|昭和|平成|令和|[MTSHRmtshr])\s*(元|\d{1,2})\s*[年.\/\-]\s*(\d{1,2})\s*[月.\/\-]\s*(\d{1,2})\s*日?$/;
/** [year, month, day] or null. */
function parseDate(raw) {
  const s = nfkc(raw).trim();
  let y, m, d;
  let r = WESTERN.exec(s);
  if (r) {
    y = +r[1]; m = +r[2]; d = +r[3];
  } else if ((r = WAREKI.exec(s))) {
    y = ERA[r[1].length === 1 ? r[1].toUpperCase() : r[1]] + (r[2] === "元" ? 1 : +r[2]) - 1;
    m = +r[3]; d = +r[4];
  } else {
    return null;
  }
  if (m < 1 || m > 12 || d < 1 || d > new Date(Date.UTC(y, m, 0)).getUTCDate()) return null;
  return [y, m, d];
}
const pad2 = (n) => (n < 10 ? "0" + n : "" + n);
function yearMonth(raw) {
  const p = parseDate(raw);
  return p ? `${p[0]}-${pad2(p[1])}` : "";
}
function shiftDate(raw, days) {
  const p = parseDate(raw);
  if (!p) return "";
  return new Date(Date.UTC(p[0], p[1] - 1, p[2] + days)).toISOString().slice(0, 10);
}
const POSTAL = /^(\d{3})-?\d{4}$/;
function postal3(raw) {
  const r = POSTAL.exec(nfkc(raw).trim());
  return r ? r[1] : "";
}
const ADDRESS = /^(東京都|北海道|(?:京都|大阪)府|[^都道府県\s]{2,3}県)\s*([^\s]+?郡[^\s]+?[町村]|[^\s]+?[市区町村])/;
function municipality(raw) {
  const r = ADDRESS.exec(nfkc(raw).trim());
  return r ? r[1] + r[2] : "";
}

// ---- streaming pipeline -----------------------------------------------------------------------
const input = fs.createReadStream(IN, { highWaterMark: 1 << 20 });
input.setEncoding("utf8"); // StringDecoder: keeps multibyte characters whole across reads
const output = fs.createWriteStream(OUT);

let outFields = null; // header of the output, in input order minus dropped columns
let chain = Promise.resolve();
let inFlight = 0;
let rowsIn = 0;
let rowsOut = 0;

function write(text) {
  return output.write(text) ? null : new Promise((resolve) => output.once("drain", resolve));
}

async function processChunk(rows) {
  // All HMACs of the chunk at once: pseudonym and date-shift seed per row.
  const ids = rows.map((r) => normalizeId(r[PID] ?? ""));
  const signs = [];
  for (const id of ids) {
    if (id === "") {
      signs.push(null, null);
    } else {
      signs.push(subtle.sign("HMAC", pseudoKey, enc.encode(id)),
        subtle.sign("HMAC", shiftKey, enc.encode(shiftId(id))));
    }
  }
  const macs = await Promise.all(signs);
  const out = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const pmac = macs[2 * i];
    const smac = macs[2 * i + 1];
    const row = new Array(outFields.length);
    for (let j = 0; j < outFields.length; j++) {
      const f = outFields[j];
      const v = r[f] ?? "";
      switch (f) {
        case "患者ID": row[j] = pmac ? crockford80(pmac) : ""; break;
        case "生年月日": row[j] = yearMonth(v); break;
        case "郵便番号": row[j] = postal3(v); break;
        case "住所": row[j] = municipality(v); break;
        case "受診日": row[j] = smac ? shiftDate(v, shiftDays(smac)) : ""; break;
        default: row[j] = v;
      }
    }
    out[i] = row;
  }
  return out;
}

await new Promise((resolve, reject) => {
  Papa.parse(input, {
    header: true,
    skipEmptyLines: true,
    transformHeader: (h) => h.replace(/^\uFEFF/, ""),
    chunk(results) {
      if (outFields === null) {
        outFields = results.meta.fields.filter((f) => !DROP.has(f));
        chain = chain.then(() => write(Papa.unparse([outFields], { newline: "\n" }) + "\n"));
      }
      const rows = results.data;
      rowsIn += rows.length;
      const done = processChunk(rows); // HMACs start now, concurrently with parsing
      inFlight++;
      if (inFlight >= MAX_IN_FLIGHT) input.pause();
      chain = chain.then(async () => {
        const out = await done;
        rowsOut += out.length;
        const wait = out.length ? write(Papa.unparse(out, { newline: "\n" }) + "\n") : null;
        if (wait) await wait;
        inFlight--;
        if (inFlight < MAX_IN_FLIGHT && input.isPaused()) input.resume();
      });
      chain.catch(reject);
    },
    complete() {
      chain.then(resolve, reject);
    },
    error: reject,
  });
});
await new Promise((resolve, reject) => output.end((err) => (err ? reject(err) : resolve())));
console.error(JSON.stringify({ tool: "papaparse+webcrypto", rows_in: rowsIn, rows_out: rowsOut }));

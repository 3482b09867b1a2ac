#!/usr/bin/env python3
"""Peer for the benchmark: what a Python user would otherwise write to do deid-kit's job on
bench/policy.json — pandas read_csv in chunks of 100,000 rows + the standard library's hmac.

    python bench/peers/pandas_hmac.py IN.csv OUT.csv KEYHEX

Same job as the kit with bench/policy.json (and as peers/papaparse_webcrypto.mjs):
  患者ID    pseudonym: HMAC-SHA256(subkey, NFKC + trim + folded whitespace), first 80 bits as
           Crockford base32 (16 chars); subkey = HMAC(key, "deid-kit/v1/pseudonym")
  生年月日  YYYY-MM (western 1958/03/14, 1958-3-14, full-width digits, 和暦 昭和33年3月14日,
           S33.3.14, 令和元年5月1日)
  郵便番号  first 3 digits
  住所      prefecture + municipality (a designated city without its ward: 神奈川県横浜市)
  受診日    shifted by a per-patient offset in ±30 days (never 0), from
           HMAC(HMAC(key, "deid-kit/v1/date_shift"), patient id without leading zeros);
           written YYYY-MM-DD
  dropped   氏名 カナ氏名 電話番号 メールアドレス 個人番号 被保険者記号 被保険者番号 枝番
  the rest  kept as is
Unparseable dates / postal codes / addresses become empty; no row is ever dropped.

Everything that pandas can do column-wise is vectorized (.str.normalize / .str.extract /
to_datetime); the HMACs are one C call per value (hmac.digest), which is as fast as Python gets.
"""
import base64
import hmac
import json
import sys

import numpy as np
import pandas as pd

DROP = {"氏名", "カナ氏名", "電話番号", "メールアドレス", "個人番号", "被保険者記号", "被保険者番号", "枝番"}
PID = "患者ID"
CHUNK = 100_000
ERA = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019,
       "M": 1868, "T": 1912, "S": 1926, "H": 1989, "R": 2019}
WESTERN = r"^(?P<y>[0-9]{4})\s*[/\-.年]\s*(?P<m>[0-9]{1,2})\s*[/\-.月]\s*(?P<d>[0-9]{1,2})\s*日?$"
WAREKI = (r"^(?P<era>明治|大正|昭和|平成|令和|[MTSHRmtshr])\s*(?P<ey>元|[0-9]{1,2})\s*[年./\-]\s*"
          r"(?P<m>[0-9]{1,2})\s*[月./\-]\s*(?P<d>[0-9]{1,2})\s*日?$")
POSTAL = r"^([0-9]{3})-?[0-9]{4}$"
ADDRESS = (r"^(?P<pref>東京都|北海道|(?:京都|大阪)府|[^都道府県\s]{2,3}県)\s*"
           r"(?P<muni>[^\s]+?郡[^\s]+?[町村]|[^\s]+?[市区町村])")
# RFC 4648 base32 alphabet -> Crockford's; 10 bytes encode to exactly 16 characters, no padding.
TO_CROCKFORD = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", b"0123456789ABCDEFGHJKMNPQRSTVWXYZ")


def nfkc(s):
    return s.str.normalize("NFKC").str.strip()


def parse_dates(s):
    """A datetime64 Series (NaT where unparseable) from western or 和暦 date strings."""
    s = nfkc(s)
    w = s.str.extract(WESTERN)
    j = s[w["y"].isna()].str.extract(WAREKI).reindex(s.index)  # 和暦 only where western failed
    era = j["era"].str.upper().where(j["era"].str.len() == 1, j["era"]).map(ERA)
    ey = pd.to_numeric(j["ey"].replace("元", "1"), errors="coerce")
    year = pd.to_numeric(w["y"], errors="coerce").fillna(era + ey - 1)
    month = pd.to_numeric(w["m"].fillna(j["m"]), errors="coerce")
    day = pd.to_numeric(w["d"].fillna(j["d"]), errors="coerce")
    return pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce")


def main():
    if len(sys.argv) != 4 or len(sys.argv[3]) != 64:
        sys.exit("usage: pandas_hmac.py IN.csv OUT.csv KEYHEX(64 hex)")
    src, dst, keyhex = sys.argv[1:]
    key = bytes.fromhex(keyhex)
    pseudo_key = hmac.digest(key, b"deid-kit/v1/pseudonym", "sha256")
    shift_key = hmac.digest(key, b"deid-kit/v1/date_shift", "sha256")
    digest = hmac.digest
    b32 = base64.b32encode

    rows_in = rows_out = 0
    with open(dst, "w", encoding="utf-8", newline="") as out:
        for i, df in enumerate(pd.read_csv(src, chunksize=CHUNK, dtype=str, keep_default_na=False,
                                           encoding="utf-8-sig")):
            rows_in += len(df)
            ids = nfkc(df[PID]).str.replace(r"\s+", " ", regex=True)
            pseudo, shift = [], []
            for v in ids:
                if v:
                    pseudo.append(b32(digest(pseudo_key, v.encode(), "sha256")[:10]).translate(TO_CROCKFORD).decode())
                    sid = (v.lstrip("0") or "0") if v.isascii() and v.isdigit() else v
                    k = int.from_bytes(digest(shift_key, sid.encode(), "sha256")[:8], "big") % 60
                    shift.append(-(k + 1) if k < 30 else k - 29)
                else:
                    pseudo.append("")
                    shift.append(np.nan)
            df[PID] = pseudo

            birth = parse_dates(df["生年月日"])
            df["生年月日"] = birth.dt.strftime("%Y-%m").fillna("")
            visit = parse_dates(df["受診日"]) + pd.to_timedelta(shift, unit="D")
            df["受診日"] = visit.dt.strftime("%Y-%m-%d").fillna("")
            df["郵便番号"] = nfkc(df["郵便番号"]).str.extract(POSTAL)[0].fillna("")
            a = nfkc(df["住所"]).str.extract(ADDRESS)
            df["住所"] = (a["pref"] + a["muni"]).fillna("")

            df = df[[c for c in df.columns if c not in DROP]]
            df.to_csv(out, header=(i == 0), index=False, lineterminator="\n")
            rows_out += len(df)
    print(json.dumps({"tool": "pandas+hmac", "rows_in": rows_in, "rows_out": rows_out}), file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Synthetic hospital exports for tests, benchmarks and the bundled sample. Never real data.

Every value is made up from small lists and a seeded RNG, so the same arguments give the same
bytes. The file looks like an electronic medical record export: Shift_JIS (CP932) with CRLF by
default, names with NEC/IBM extension kanji (髙, 﨑), kana readings, 和暦 and western birth dates,
full-width digits, addresses with commas, and notes with quoted commas, quotes and line breaks.

    python3 scripts/synth.py --rows 1000 --encoding cp932 --out sample.csv
"""
import argparse
import random
import sys

FAMILY = [("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("髙橋", "タカハシ"), ("田中", "タナカ"),
          ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("渡邊", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"),
          ("小林", "コバヤシ"), ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山田", "ヤマダ"), ("佐々木", "ササキ"),
          ("山﨑", "ヤマサキ"), ("山崎", "ヤマザキ"), ("森", "モリ"), ("林", "ハヤシ"), ("中山", "ナカヤマ"),
          ("斎藤", "サイトウ"), ("齋藤", "サイトウ"), ("清水", "シミズ"), ("大野", "オオノ"), ("井上", "イノウエ")]
GIVEN = [("太郎", "タロウ", "M"), ("一郎", "イチロウ", "M"), ("誠", "マコト", "M"), ("健太", "ケンタ", "M"),
         ("翔太", "ショウタ", "M"), ("大輔", "ダイスケ", "M"), ("浩二", "コウジ", "M"), ("茂", "シゲル", "M"),
         ("花子", "ハナコ", "F"), ("春", "ハル", "F"), ("陽子", "ヨウコ", "F"), ("美咲", "ミサキ", "F"),
         ("恵子", "ケイコ", "F"), ("和子", "カズコ", "F"), ("さくら", "サクラ", "F"), ("優子", "ユウコ", "F")]
PLACES = [("東京都", "新宿区", "西新宿", "160"), ("東京都", "世田谷区", "太子堂", "154"),
          ("大阪府", "大阪市北区", "梅田", "530"), ("神奈川県", "横浜市港北区", "日吉", "223"),
          ("北海道", "札幌市中央区", "北一条西", "060"), ("愛知県", "名古屋市中区", "栄", "460"),
          ("福岡県", "福岡市博多区", "博多駅前", "812"), ("埼玉県", "さいたま市浦和区", "高砂", "330"),
          ("長野県", "北佐久郡軽井沢町", "軽井沢", "389"), ("京都府", "京都市左京区", "吉田本町", "606")]
DEPTS = ["内科", "外科", "整形外科", "小児科", "循環器内科", "消化器内科", "眼科", "皮膚科"]
DISEASES = [("2型糖尿病", "E11"), ("本態性高血圧症", "I10"), ("急性上気道炎", "J06.9"), ("脂質異常症", "E78.5"),
            ("気管支喘息", "J45.9"), ("胃潰瘍", "K25.9"), ("腰部脊柱管狭窄症", "M48.06"), ("アトピー性皮膚炎", "L20.9")]
NOTES = ["HbA1c 7.2%、メトホルミン500mg継続。", "血圧 142/88、アムロジピン5mgを追加。\n次回2週間後",
         "「咳が続く」との訴え。胸部X線異常なし。", "疼痛強く、NSAIDs処方, 湿布併用。", "特記事項なし",
         "食事指導実施。\"減塩\"を説明。", "LDL-C 168mg/dL。ロスバスタチン開始。"]
ERAS = [("明治", "M", 1868), ("大正", "T", 1912), ("昭和", "S", 1926), ("平成", "H", 1989), ("令和", "R", 2019)]
# Other spellings of each header seen in exports, for --headers varied.
SYNONYMS = {
    "患者ID": ["患者番号", "カルテ番号", "患者ＩＤ", "PatientID"], "氏名": ["患者氏名", "患者名", "漢字氏名", "Name"],
    "カナ氏名": ["フリガナ", "氏名カナ", "ｶﾅ氏名", "ふりがな"], "生年月日": ["誕生日", "生年月日(和暦)", "DOB"],
    "性別": ["性", "Sex"], "郵便番号": ["〒", "郵便", "ZIP"], "住所": ["現住所", "住所1", "Address"],
    "電話番号": ["TEL", "連絡先電話", "携帯電話"], "メールアドレス": ["e-mail", "メール", "E-Mail"],
    "個人番号": ["マイナンバー", "個人番号(12桁)"], "保険者番号": ["保険者No", "保険者番号(8桁)"],
    "被保険者記号": ["記号", "保険証記号"], "被保険者番号": ["番号", "保険証番号"], "枝番": ["被保険者枝番"],
    "受診日": ["来院日", "診療日", "受診年月日"], "診療科": ["科", "診療科名"], "病名": ["傷病名", "主病名"],
    "ICD10": ["ICD-10", "ICDコード"], "検査値": ["HbA1c", "検査結果"], "医師所見": ["所見", "経過記録", "備考"],
}
HEADER = ["患者ID", "氏名", "カナ氏名", "生年月日", "性別", "郵便番号", "住所", "電話番号", "メールアドレス",
          "個人番号", "保険者番号", "被保険者記号", "被保険者番号", "枝番", "受診日", "診療科", "病名", "ICD10",
          "検査値", "医師所見"]


def my_number(rng):
    body = [rng.randrange(10) for _ in range(11)]
    total = sum(p * (n + 1 if n <= 6 else n - 5) for n, p in enumerate(reversed(body), start=1))
    r = total % 11
    return "".join(map(str, body)) + str(0 if r <= 1 else 11 - r)


def insurer_number(rng):
    body = [int(c) for c in rng.choice(["01", "06", "31", "39"]) + f"{rng.randrange(1, 48):02d}"
            + f"{rng.randrange(1000):03d}"]
    total = 0
    for i, d in enumerate(reversed(body)):
        p = d * (2 if i % 2 == 0 else 1)
        total += p // 10 + p % 10
    return "".join(map(str, body)) + str((10 - total % 10) % 10)


def wide(s):
    return s.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})


def birth_date(rng, y, m, d):
    era = next(e for e in reversed(ERAS) if (y, m, d) >= {"明治": (1868, 1, 25), "大正": (1912, 7, 30),
               "昭和": (1926, 12, 25), "平成": (1989, 1, 8), "令和": (2019, 5, 1)}[e[0]])
    ey = y - era[2] + 1
    style = rng.randrange(6)
    if style == 0:
        return f"{era[0]}{'元' if ey == 1 else ey}年{m}月{d}日"
    if style == 1:
        return f"{era[1]}{ey}.{m}.{d}"
    if style == 2:
        return wide(f"{y}/{m:02d}/{d:02d}")
    if style == 3:
        return f"{y}-{m}-{d}"
    return f"{y}/{m:02d}/{d:02d}"


def row(rng, i):
    fam, fam_kana = rng.choice(FAMILY)
    giv, giv_kana, sex = rng.choice(GIVEN)
    y, m, d = rng.randrange(1925, 2024), rng.randrange(1, 13), rng.randrange(1, 29)
    pref, city, town, zip3 = rng.choice(PLACES)
    zipcode = f"{zip3}-{rng.randrange(10000):04d}"
    street = f"{town}{rng.randrange(1, 6)}丁目{rng.randrange(1, 30)}番{rng.randrange(1, 20)}号"
    if rng.random() < 0.3:
        street += f", {rng.choice(['コーポ', 'ハイツ', 'メゾン'])}{rng.randrange(101, 999)}"
    phone = rng.choice([f"090-{rng.randrange(10000):04d}-{rng.randrange(10000):04d}",
                        f"03-{rng.randrange(10000):04d}-{rng.randrange(10000):04d}",
                        f"0{rng.randrange(11, 99)}-{rng.randrange(100, 999)}-{rng.randrange(10000):04d}"])
    disease, icd = rng.choice(DISEASES)
    pid = f"{rng.randrange(1, 10**8):08d}"
    visit = f"{rng.randrange(2020, 2025)}/{rng.randrange(1, 13):02d}/{rng.randrange(1, 29):02d}"
    note = rng.choice(NOTES)
    if rng.random() < 0.2:
        note = f"{fam}様、{note}"
    return [
        wide(pid) if rng.random() < 0.05 else pid,
        fam + rng.choice(["　", " ", ""]) + giv,
        fam_kana + rng.choice(["　", " "]) + giv_kana,
        birth_date(rng, y, m, d),
        "男" if sex == "M" else "女",
        zipcode,
        pref + city + street,
        phone,
        f"user{i}@example.jp",
        my_number(rng),
        insurer_number(rng),
        f"{rng.randrange(1, 9999)}",
        f"{rng.randrange(1, 99999)}",
        f"{rng.randrange(0, 3):02d}",
        visit,
        rng.choice(DEPTS),
        disease,
        icd,
        f"{rng.uniform(4.5, 11.0):.1f}",
        note,
    ]


def quote(field):
    if any(c in field for c in ',"\r\n'):
        return '"' + field.replace('"', '""') + '"'
    return field


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--encoding", default="cp932", help="cp932, utf-8, utf-8-sig or euc_jp")
    ap.add_argument("--newline", default="crlf", choices=["crlf", "lf"])
    ap.add_argument("--headers", default="standard", choices=["standard", "varied"],
                    help="varied: each header spelled as one of its synonyms")
    ap.add_argument("--out", default="-")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    nl = "\r\n" if args.newline == "crlf" else "\n"
    out = sys.stdout.buffer if args.out == "-" else open(args.out, "wb")
    header = HEADER if args.headers == "standard" else [rng.choice(SYNONYMS[h]) for h in HEADER]
    buf = [",".join(quote(h) for h in header) + nl]
    for i in range(args.rows):
        buf.append(",".join(quote(f) for f in row(rng, i)) + nl)
        if len(buf) >= 10000:
            out.write("".join(buf).encode(args.encoding))
            buf = []
    out.write("".join(buf).encode(args.encoding))
    out.close()


if __name__ == "__main__":
    main()

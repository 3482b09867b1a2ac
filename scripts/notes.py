#!/usr/bin/env python3
"""Synthetic Japanese clinical notes with gold identifier spans, for scoring the free-text scrubber.

Never real data: every name, address, number and sentence is made up from the lists below and a
seeded RNG, so the same arguments give the same bytes. Each line of the JSONL output is

    {"id": "N00001", "record": {患者ID, 氏名, カナ氏名, 生年月日, 電話番号, 郵便番号, 住所},
     "text": "...", "spans": [{"start", "end", "tag"}], "clinical": [{"start", "end", "term"}]}

Offsets are Python str indices (Unicode code points), end exclusive. `spans` are the identifiers
(tags: name, phone, address, postal, date, age, facility, id, email, url); `clinical` are the
mentions a scrubber must keep (term: disease, drug, lab, value, dose, time, duration). Spans cover
the identifier itself, not its keyword or honorific: 〒 and 様 stay outside, 歳 stays inside an age.
The record is the patient's row of the export, consistent with how the note names that patient
(the note may spell the same value differently: full-width digits, another era, half-width kana).

    python3 scripts/notes.py --n 2000 --seed 7 --out notes.jsonl --csv export.csv
"""
import argparse
import datetime
import json
import random
import re
import sys
import unicodedata

# ---- people --------------------------------------------------------------------------------------
# Surnames roughly in frequency order (weights fall with rank). Several are ordinary words or place
# names (森, 林, 原, 関, 東, 星, 千葉, 福島, 長野) or also name a disease (橋本病, 川崎病, 菊池病, 木村病).
SURNAMES = """
佐藤 サトウ|鈴木 スズキ|高橋 タカハシ|田中 タナカ|伊藤 イトウ|渡辺 ワタナベ|山本 ヤマモト|中村 ナカムラ|小林 コバヤシ
加藤 カトウ|吉田 ヨシダ|山田 ヤマダ|佐々木 ササキ|山口 ヤマグチ|松本 マツモト|井上 イノウエ|木村 キムラ|林 ハヤシ
斎藤 サイトウ|清水 シミズ|山崎 ヤマザキ|森 モリ|池田 イケダ|橋本 ハシモト|阿部 アベ|石川 イシカワ|山下 ヤマシタ
中島 ナカジマ|石井 イシイ|小川 オガワ|前田 マエダ|岡田 オカダ|長谷川 ハセガワ|藤田 フジタ|後藤 ゴトウ|近藤 コンドウ
村上 ムラカミ|遠藤 エンドウ|青木 アオキ|坂本 サカモト|斉藤 サイトウ|福田 フクダ|太田 オオタ|西村 ニシムラ|藤井 フジイ
金子 カネコ|岡本 オカモト|藤原 フジワラ|中野 ナカノ|三浦 ミウラ|原田 ハラダ|中川 ナカガワ|松田 マツダ|竹内 タケウチ
小野 オノ|田村 タムラ|中山 ナカヤマ|和田 ワダ|石田 イシダ|森田 モリタ|上田 ウエダ|原 ハラ|内田 ウチダ|柴田 シバタ
酒井 サカイ|宮崎 ミヤザキ|横山 ヨコヤマ|高木 タカギ|安藤 アンドウ|宮本 ミヤモト|大野 オオノ|小島 コジマ|谷口 タニグチ
今井 イマイ|工藤 クドウ|高田 タカダ|増田 マスダ|丸山 マルヤマ|杉山 スギヤマ|村田 ムラタ|大塚 オオツカ|新井 アライ
小山 コヤマ|平野 ヒラノ|藤本 フジモト|河野 コウノ|上野 ウエノ|野口 ノグチ|武田 タケダ|松井 マツイ|千葉 チバ
岩崎 イワサキ|菅原 スガワラ|木下 キノシタ|久保 クボ|佐野 サノ|野村 ノムラ|松尾 マツオ|市川 イチカワ|菊地 キクチ
杉本 スギモト|古川 フルカワ|大西 オオニシ|島田 シマダ|水野 ミズノ|桜井 サクライ|高野 タカノ|渡部 ワタナベ|吉川 ヨシカワ
山内 ヤマウチ|西田 ニシダ|飯田 イイダ|菊池 キクチ|西川 ニシカワ|小松 コマツ|北村 キタムラ|安田 ヤスダ|五十嵐 イガラシ
川口 カワグチ|平田 ヒラタ|関 セキ|中田 ナカタ|久保田 クボタ|服部 ハットリ|東 アズマ|岩田 イワタ|土屋 ツチヤ
川村 カワムラ|福島 フクシマ|本田 ホンダ|辻 ツジ|樋口 ヒグチ|秋山 アキヤマ|田口 タグチ|永井 ナガイ|山中 ヤマナカ
中西 ナカニシ|吉村 ヨシムラ|川上 カワカミ|石原 イシハラ|大橋 オオハシ|松岡 マツオカ|馬場 ババ|浅野 アサノ|荒木 アラキ
大久保 オオクボ|野田 ノダ|小池 コイケ|松下 マツシタ|川崎 カワサキ|熊谷 クマガイ|星 ホシ|谷 タニ|堀 ホリ|岡 オカ
南 ミナミ|西 ニシ|平 タイラ|島 シマ|浜田 ハマダ|長野 ナガノ|岡山 オカヤマ|宮城 ミヤギ|髙橋 タカハシ|山﨑 ヤマサキ
齋藤 サイトウ|渡邊 ワタナベ|大和田 オオワダ|二階堂 ニカイドウ|東海林 ショウジ|小鳥遊 タカナシ
"""
# Given names: (kanji, reading, sex, generation). Generation O: born before 1955, M: 1955-1989,
# Y: 1990 on. Some are ordinary words (誠, 春, 茂, 清, 進, 実, 望, 光, 翼, 花, 楓, 栞, 和).
GIVEN = """
清 キヨシ M O|茂 シゲル M O|勇 イサム M O|進 ススム M O|博 ヒロシ M O|実 ミノル M O|正 タダシ M O|武 タケシ M O
三郎 サブロウ M O|正雄 マサオ M O|一郎 イチロウ M O|太郎 タロウ M O|次郎 ジロウ M O|勝 マサル M O|隆 タカシ M O
弘 ヒロシ M O|修 オサム M O|昭 アキラ M O|和夫 カズオ M O|幸雄 ユキオ M O|秀夫 ヒデオ M O|義男 ヨシオ M O
豊 ユタカ M O|功 イサオ M O|守 マモル M O|和 カズ M O|誠 マコト M M|浩 ヒロシ M M|健 ケン M M|大輔 ダイスケ M M
浩二 コウジ M M|直樹 ナオキ M M|達也 タツヤ M M|和也 カズヤ M M|智 サトシ M M|剛 ツヨシ M M|学 マナブ M M
拓也 タクヤ M M|健太 ケンタ M M|雅人 マサト M M|秀樹 ヒデキ M M|聡 サトシ M M|亮 リョウ M M|淳 ジュン M M
裕之 ヒロユキ M M|康弘 ヤスヒロ M M|隆之 タカユキ M M|慎一 シンイチ M M|健二 ケンジ M M|健一 ケンイチ M M
哲也 テツヤ M M|洋平 ヨウヘイ M M|光 ヒカル M M|翔太 ショウタ M Y|大翔 ヒロト M Y|蓮 レン M Y|悠真 ユウマ M Y
陽翔 ハルト M Y|湊 ミナト M Y|樹 イツキ M Y|颯太 ソウタ M Y|悠斗 ユウト M Y|蒼 アオイ M Y|陸 リク M Y|翼 ツバサ M Y
大和 ヤマト M Y|律 リツ M Y|朝陽 アサヒ M Y|新 アラタ M Y|拓海 タクミ M Y|海斗 カイト M Y|陽太 ヨウタ M Y|優 ユウ M Y
奏太 カナタ M Y|駿 シュン M Y|涼 リョウ M Y|和子 カズコ F O|幸子 サチコ F O|節子 セツコ F O|弘子 ヒロコ F O
洋子 ヨウコ F O|京子 キョウコ F O|美代子 ミヨコ F O|久子 ヒサコ F O|文子 フミコ F O|信子 ノブコ F O|静子 シズコ F O
千代 チヨ F O|ハル ハル F O|キヨ キヨ F O|春 ハル F O|トメ トメ F O|清子 キヨコ F O|君子 キミコ F O|光子 ミツコ F O
恵子 ケイコ F O|花子 ハナコ F O|昭子 アキコ F O|照子 テルコ F O|正子 マサコ F O|貞子 サダコ F O|陽子 ヨウコ F M
恵美 エミ F M|由美子 ユミコ F M|真由美 マユミ F M|裕子 ユウコ F M|優子 ユウコ F M|直美 ナオミ F M|久美子 クミコ F M
智子 トモコ F M|明美 アケミ F M|美穂 ミホ F M|香織 カオリ F M|愛 アイ F M|薫 カオル F M|忍 シノブ F M|綾 アヤ F M
舞 マイ F M|恵 メグミ F M|望 ノゾミ F M|彩 アヤ F M|麻衣 マイ F M|美咲 ミサキ F M|愛子 アイコ F M|純子 ジュンコ F M
みどり ミドリ F M|真理 マリ F M|さくら サクラ F Y|陽菜 ヒナ F Y|結衣 ユイ F Y|葵 アオイ F Y|凛 リン F Y|結菜 ユイナ F Y
芽依 メイ F Y|莉子 リコ F Y|美桜 ミオ F Y|紬 ツムギ F Y|杏 アン F Y|栞 シオリ F Y|花 ハナ F Y|心春 コハル F Y
咲良 サラ F Y|萌 モエ F Y|楓 カエデ F Y|琴音 コトネ F Y|ひなた ヒナタ F Y|澪 ミオ F Y|詩 ウタ F Y|日葵 ヒマリ F Y
彩花 アヤカ F Y|七海 ナナミ F Y|遥 ハルカ F Y|優奈 ユウナ F Y
"""
SURNAME_LIST = [tuple(e.split()) for e in SURNAMES.replace("\n", "|").split("|") if e.strip()]
GIVEN_LIST = [tuple(e.split()) for e in GIVEN.replace("\n", "|").split("|") if e.strip()]
SURNAME_WEIGHTS = [1 / (rank + 8) ** 0.9 for rank in range(len(SURNAME_LIST))]

# ---- places --------------------------------------------------------------------------------------
# (都道府県, 市区町村, 町域 list, 郵便番号の上3桁). Towns are real-sounding; the numbers are random.
PLACES = [
    ("東京都", "新宿区", ["西新宿", "高田馬場", "神楽坂"], "160"), ("東京都", "世田谷区", ["太子堂", "三軒茶屋", "成城"], "154"),
    ("東京都", "練馬区", ["石神井町", "大泉学園町", "光が丘"], "177"), ("東京都", "足立区", ["千住", "竹の塚", "西新井"], "120"),
    ("東京都", "八王子市", ["元本郷町", "旭町", "南大沢"], "192"), ("東京都", "江東区", ["豊洲", "亀戸", "大島"], "135"),
    ("大阪府", "大阪市北区", ["梅田", "天神橋", "中津"], "530"), ("大阪府", "堺市堺区", ["三国ヶ丘御幸通", "市之町東"], "590"),
    ("大阪府", "豊中市", ["上野東", "服部元町", "庄内西町"], "561"), ("神奈川県", "横浜市港北区", ["日吉", "綱島西", "大倉山"], "223"),
    ("神奈川県", "川崎市中原区", ["小杉町", "新丸子町", "木月"], "211"), ("神奈川県", "相模原市南区", ["相模大野", "上鶴間"], "252"),
    ("北海道", "札幌市中央区", ["北一条西", "南三条西", "宮の森"], "060"), ("北海道", "旭川市", ["神楽", "豊岡"], "078"),
    ("愛知県", "名古屋市中区", ["栄", "大須", "丸の内"], "460"), ("愛知県", "豊田市", ["元城町", "若宮町"], "471"),
    ("福岡県", "福岡市博多区", ["博多駅前", "住吉", "千代"], "812"), ("福岡県", "北九州市小倉北区", ["魚町", "京町"], "802"),
    ("埼玉県", "さいたま市浦和区", ["高砂", "岸町", "常盤"], "330"), ("埼玉県", "川越市", ["元町", "脇田本町"], "350"),
    ("千葉県", "千葉市中央区", ["富士見", "中央", "新町"], "260"), ("千葉県", "船橋市", ["本町", "前原西"], "273"),
    ("長野県", "北佐久郡軽井沢町", ["軽井沢", "長倉"], "389"), ("長野県", "松本市", ["中央", "大手"], "390"),
    ("京都府", "京都市左京区", ["吉田本町", "下鴨松原町", "岩倉中町"], "606"), ("兵庫県", "神戸市中央区", ["三宮町", "元町通"], "650"),
    ("宮城県", "仙台市青葉区", ["一番町", "国分町", "上杉"], "980"), ("広島県", "広島市中区", ["紙屋町", "大手町"], "730"),
    ("福島県", "郡山市", ["駅前", "堂前町"], "963"), ("静岡県", "浜松市中央区", ["鍛冶町", "田町"], "430"),
    ("新潟県", "新潟市中央区", ["古町通", "東大通"], "951"), ("熊本県", "熊本市中央区", ["水前寺", "上通町"], "860"),
    ("沖縄県", "那覇市", ["久茂地", "泉崎"], "900"), ("岡山県", "岡山市北区", ["表町", "奉還町"], "700"),
    ("鹿児島県", "鹿児島市", ["天文館通", "中央町"], "892"), ("群馬県", "吾妻郡草津町", ["草津"], "377"),
    ("奈良県", "生駒郡斑鳩町", ["法隆寺"], "636"), ("茨城県", "つくば市", ["天久保", "竹園"], "305"),
]
CITIES = ["八王子", "豊中", "旭川", "豊田", "川越", "船橋", "松本", "郡山", "那覇", "つくば", "相模原", "堺"]
BUILDINGS = ["コーポ", "ハイツ", "メゾン", "グランドパレス", "サンシャイン", "レジデンス"]
FACILITY_STEMS = ["城南", "みどり", "さくら", "青葉台", "ひまわり", "東都", "北斗", "あおば", "若葉", "中央台", "港南", "桜ヶ丘",
                  "緑ヶ丘", "聖マリア", "恵愛", "仁和会", "清風", "朝日", "白鷺", "松風"]
DEPTS = ["内科", "循環器内科", "消化器内科", "呼吸器内科", "整形外科", "小児科", "神経内科", "糖尿病内科", "外科", "精神科"]

# ---- clinical vocabulary ------------------------------------------------------------------------
# Diseases: several carry a person's or a place's name (橋本病, 川崎病, 菊池病, 木村病, 太田母斑...).
DISEASES_ADULT = ["2型糖尿病", "本態性高血圧症", "脂質異常症", "気管支喘息", "胃潰瘍", "慢性心不全", "心房細動", "脳梗塞",
                  "誤嚥性肺炎", "慢性腎臓病", "COPD", "骨粗鬆症", "大腿骨頸部骨折", "腰部脊柱管狭窄症", "変形性膝関節症",
                  "アルツハイマー型認知症", "橋本病", "パーキンソン病", "クローン病", "バセドウ病", "ベーチェット病",
                  "シェーグレン症候群", "ギラン・バレー症候群", "高安動脈炎", "大腸癌", "肺癌", "胃癌", "急性虫垂炎",
                  "尿路感染症", "帯状疱疹", "甲状腺機能低下症", "関節リウマチ", "逆流性食道炎", "狭心症", "急性心筋梗塞",
                  "白内障", "睡眠時無呼吸症候群", "うつ病", "不眠症", "メニエール病", "高尿酸血症", "ネフローゼ症候群",
                  "菊池病", "木村病", "太田母斑", "潰瘍性大腸炎", "蜂窩織炎", "鉄欠乏性貧血", "花粉症", "痛風"]
DISEASES_CHILD = ["川崎病", "熱性けいれん", "RSウイルス感染症", "急性胃腸炎", "インフルエンザ", "突発性発疹", "手足口病",
                  "気管支喘息", "アトピー性皮膚炎", "溶連菌感染症", "急性中耳炎", "マイコプラズマ肺炎", "福山型筋ジストロフィー"]
# (drug, doses, schedules)
DRUGS = [("メトホルミン", ["250mg", "500mg"], ["1日2回", "1日3回 毎食後"]), ("アムロジピン", ["2.5mg", "5mg"], ["1日1回 朝食後"]),
         ("ロスバスタチン", ["2.5mg", "5mg"], ["1日1回"]), ("ランソプラゾール", ["15mg", "30mg"], ["1日1回 朝食前"]),
         ("ロキソプロフェン", ["60mg"], ["1日3回 毎食後", "疼痛時頓用"]), ("アセトアミノフェン", ["200mg", "500mg"], ["発熱時頓用", "1日3回"]),
         ("ワルファリン", ["1mg", "2mg"], ["1日1回 夕食後"]), ("アピキサバン", ["2.5mg", "5mg"], ["1日2回"]),
         ("フロセミド", ["20mg", "40mg"], ["1日1回 朝"]), ("スピロノラクトン", ["25mg"], ["1日1回"]),
         ("レボチロキシン", ["25μg", "50μg"], ["1日1回 朝食後"]), ("チアマゾール", ["5mg", "15mg"], ["1日1回"]),
         ("インスリン グラルギン", ["8単位", "12単位"], ["1日1回 就寝前"]), ("シタグリプチン", ["50mg"], ["1日1回"]),
         ("エンパグリフロジン", ["10mg"], ["1日1回 朝食後"]), ("ドネペジル", ["3mg", "5mg"], ["1日1回"]),
         ("レボドパ・カルビドパ", ["100mg"], ["1日3回"]), ("プレドニゾロン", ["5mg", "20mg"], ["1日1回 朝"]),
         ("メサラジン", ["1500mg"], ["1日2回"]), ("アモキシシリン", ["250mg"], ["1日3回 5日間"]),
         ("セフトリアキソン", ["1g", "2g"], ["1日1回 点滴"]), ("レボフロキサシン", ["500mg"], ["1日1回 7日間"]),
         ("オセルタミビル", ["75mg"], ["1日2回 5日間"]), ("モンテルカスト", ["5mg", "10mg"], ["1日1回 就寝前"]),
         ("酸化マグネシウム", ["330mg"], ["1日3回"]), ("ゾルピデム", ["5mg"], ["就寝前"]), ("アスピリン", ["100mg"], ["1日1回"]),
         ("クロピドグレル", ["75mg"], ["1日1回"]), ("ビソプロロール", ["2.5mg"], ["1日1回"]), ("カンデサルタン", ["4mg", "8mg"], ["1日1回"]),
         ("アレンドロン酸", ["35mg"], ["週1回 起床時"]), ("アトルバスタチン", ["10mg"], ["1日1回 夕食後"])]
# (lab name, value maker)
LABS = [("HbA1c", lambda r: f"{r.uniform(5.4, 10.5):.1f}%"), ("血糖", lambda r: f"{r.randrange(80, 320)}mg/dL"),
        ("BP", lambda r: f"{r.randrange(100, 180)}/{r.randrange(55, 105)}"), ("血圧", lambda r: f"{r.randrange(100, 180)}/{r.randrange(55, 105)}mmHg"),
        ("HR", lambda r: f"{r.randrange(52, 120)}"), ("脈拍", lambda r: f"{r.randrange(52, 120)}回/分"),
        ("SpO2", lambda r: f"{r.randrange(88, 100)}%"), ("体温", lambda r: f"{r.uniform(35.8, 39.6):.1f}℃"),
        ("BT", lambda r: f"{r.uniform(35.8, 39.6):.1f}"), ("WBC", lambda r: f"{r.randrange(30, 180) * 100}"),
        ("CRP", lambda r: f"{r.uniform(0.02, 18):.2f}mg/dL"), ("Hb", lambda r: f"{r.uniform(7, 16):.1f}g/dL"),
        ("Plt", lambda r: f"{r.uniform(8, 40):.1f}万"), ("AST", lambda r: f"{r.randrange(12, 180)}"), ("ALT", lambda r: f"{r.randrange(8, 200)}"),
        ("Cr", lambda r: f"{r.uniform(0.4, 4.5):.2f}"), ("eGFR", lambda r: f"{r.randrange(12, 100)}"), ("BUN", lambda r: f"{r.randrange(8, 70)}"),
        ("Na", lambda r: f"{r.randrange(126, 146)}"), ("K", lambda r: f"{r.uniform(3.0, 5.9):.1f}"), ("LDL-C", lambda r: f"{r.randrange(60, 220)}mg/dL"),
        ("TSH", lambda r: f"{r.uniform(0.01, 25):.2f}"), ("FT4", lambda r: f"{r.uniform(0.4, 4.0):.2f}"), ("BNP", lambda r: f"{r.randrange(10, 1400)}pg/mL"),
        ("PT-INR", lambda r: f"{r.uniform(0.9, 3.5):.2f}"), ("尿蛋白", lambda r: r.choice(["(-)", "(±)", "(1+)", "(2+)"])),
        ("長谷川式", lambda r: f"{r.randrange(8, 30)}点"), ("HDS-R", lambda r: f"{r.randrange(8, 30)}/30"), ("MMSE", lambda r: f"{r.randrange(10, 30)}点"),
        ("BMI", lambda r: f"{r.uniform(16, 34):.1f}"), ("体重", lambda r: f"{r.uniform(35, 95):.1f}kg")]
SYMPTOMS = ["咳嗽", "発熱", "労作時呼吸困難", "胸痛", "腹痛", "下痢", "嘔気", "めまい", "ふらつき", "下腿浮腫", "腰痛", "膝関節痛",
            "食思不振", "体重減少", "動悸", "頭痛", "しびれ", "物忘れ", "不眠", "血便", "皮疹", "関節のこわばり"]
COMPLAINTS = ["「咳が止まらない」", "「夜眠れない」", "「膝が痛くて歩けない」", "「胸がドキドキする」", "「食欲がない」",
              "「ふらふらする」", "「お腹が張る」", "「特に変わりない」", "「薬を飲み忘れることがある」", "「息が苦しい」"]
ERAS = [("明治", "M", 1868, (1868, 1, 25)), ("大正", "T", 1912, (1912, 7, 30)), ("昭和", "S", 1926, (1926, 12, 25)),
        ("平成", "H", 1989, (1989, 1, 8)), ("令和", "R", 2019, (2019, 5, 1))]

# ---- text helpers --------------------------------------------------------------------------------
WIDE = {c: c + 0xFEE0 for c in range(0x21, 0x7F)}
DIGITS_KANJI = "〇一二三四五六七八九"


def wide(s):
    return s.translate(WIDE)


def kanji_number(n):
    """23 → 二十三, 10 → 十, 105 → 百五 (the spelling used in dates and ages)."""
    if n == 0:
        return "〇"
    out = ""
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        q, n = divmod(n, value)
        if q:
            out += ("" if q == 1 else DIGITS_KANJI[q]) + unit
    return out + (DIGITS_KANJI[n] if n else "")


def _half_kana_table():
    table = {}
    for code in range(0xFF61, 0xFFA0):
        half = chr(code)
        full = unicodedata.normalize("NFKC", half)
        if len(full) == 1 and full not in table:
            table[full] = half
    return table


HALF = _half_kana_table()


def half_kana(s):
    """タナカ ジロウ → ﾀﾅｶ ｼﾞﾛｳ (voiced marks become separate half-width marks)."""
    out = []
    for ch in s:
        if ch in HALF:
            out.append(HALF[ch])
            continue
        base = unicodedata.normalize("NFD", ch)
        if len(base) == 2 and base[0] in HALF and base[1] in "\u3099\u309a":
            out.append(HALF[base[0]] + ("ﾞ" if base[1] == "\u3099" else "ﾟ"))
        elif ch == "　":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def hiragana(s):
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in s)


ROMA = dict(zip("アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
                "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポ",
                "a i u e o ka ki ku ke ko sa shi su se so ta chi tsu te to na ni nu ne no ha hi fu he ho ma mi mu me mo "
                "ya yu yo ra ri ru re ro wa o n ga gi gu ge go za ji zu ze zo da ji zu de do ba bi bu be bo pa pi pu pe po".split()))


def romaji(kana):
    out = ""
    i = 0
    while i < len(kana):
        ch = kana[i]
        nxt = kana[i + 1] if i + 1 < len(kana) else ""
        if ch == "ッ" and nxt in ROMA:
            out += ROMA[nxt][0]
        elif ch in ROMA and nxt in "ャュョ" and nxt:
            stem = ROMA[ch][:-1]
            out += (stem if stem.endswith(("sh", "ch", "j")) else stem + "y") + {"ャ": "a", "ュ": "u", "ョ": "o"}[nxt]
            i += 1
        elif ch in ROMA:
            out += ROMA[ch]
        i += 1
    return out.replace("ou", "o").replace("uu", "u")


def my_number(rng):
    body = [rng.randrange(10) for _ in range(11)]
    total = sum(p * (n + 1 if n <= 6 else n - 5) for n, p in enumerate(reversed(body), start=1))
    r = total % 11
    return "".join(map(str, body)) + str(0 if r <= 1 else 11 - r)


def insurer_number(rng):
    body = [int(c) for c in rng.choice(["01", "06", "31", "39"]) + f"{rng.randrange(1, 48):02d}" + f"{rng.randrange(1000):03d}"]
    total = 0
    for i, d in enumerate(reversed(body)):
        p = d * (2 if i % 2 == 0 else 1)
        total += p // 10 + p % 10
    return "".join(map(str, body)) + str((10 - total % 10) % 10)


def era_of(y, m, d):
    return next(e for e in reversed(ERAS) if (y, m, d) >= e[3])


# ---- a note under construction -------------------------------------------------------------------
class Note:
    def __init__(self):
        self.parts = []
        self.spans = []
        self.clinical = []
        self.length = 0

    def add(self, text, tag=None, term=None):
        if tag and text:
            self.spans.append({"start": self.length, "end": self.length + len(text), "tag": tag})
        if term and text:
            self.clinical.append({"start": self.length, "end": self.length + len(text), "term": term})
        self.parts.append(text)
        self.length += len(text)

    def text(self):
        return "".join(self.parts)


class Patient:
    """One row of the export; the note talks about this person."""

    def __init__(self, rng, visit):
        self.rng = rng
        self.visit = visit  # (y, m, d)
        kind = rng.random()
        if kind < 0.12:
            self.birth = (visit[0] - rng.randrange(0, 15), rng.randrange(1, 13), rng.randrange(1, 29))
        elif kind < 0.35:
            self.birth = (visit[0] - rng.randrange(16, 60), rng.randrange(1, 13), rng.randrange(1, 29))
        else:
            self.birth = (visit[0] - rng.randrange(60, 100), rng.randrange(1, 13), rng.randrange(1, 29))
        if self.birth > visit:
            self.birth = (visit[0] - 1, visit[1], max(1, visit[2] - 1))
        self.age = visit[0] - self.birth[0] - ((visit[1], visit[2]) < self.birth[1:])
        self.months = (visit[0] - self.birth[0]) * 12 + visit[1] - self.birth[1] - (visit[2] < self.birth[2])
        self.child = self.age < 15
        self.sex = rng.choice("MF")
        self.surname, self.surname_kana = surname(rng)
        self.given, self.given_kana = given(rng, self.sex, self.birth[0])
        self.pid = f"{rng.randrange(1, 10**8):08d}" if rng.random() < 0.7 else f"{rng.randrange(1, 10**7):07d}"
        self.pref, self.city, towns, zip3 = rng.choice(PLACES)
        self.town = rng.choice(towns)
        self.chome, self.ban, self.go = rng.randrange(1, 6), rng.randrange(1, 30), rng.randrange(1, 20)
        self.building = f"{rng.choice(BUILDINGS)}{rng.randrange(101, 999)}" if rng.random() < 0.3 else ""
        self.zip = f"{zip3}{rng.randrange(10000):04d}"
        area = rng.choice(["03", "06", "045", "011", "052", "092", "048", "0263", "075", "022"])
        if rng.random() < 0.55:
            self.phone = ("090" if rng.random() < 0.6 else "080", f"{rng.randrange(10000):04d}", f"{rng.randrange(10000):04d}")
        else:
            local = 10 - len(area)
            mid = 4 if local == 8 else 3 if local == 7 else 2
            self.phone = (area, f"{rng.randrange(10 ** (mid - 1), 10 ** mid)}", f"{rng.randrange(10000):04d}")
        self.email = f"{romaji(self.given_kana)}.{romaji(self.surname_kana)}{rng.randrange(1, 99)}@example.{rng.choice(['jp', 'com', 'ne.jp'])}"

    def record(self):
        rng = self.rng
        sep = rng.choice(["　", " ", ""])
        return {
            "患者ID": self.pid,
            "氏名": self.surname + sep + self.given,
            "カナ氏名": self.surname_kana + rng.choice(["　", " "]) + self.given_kana,
            "生年月日": record_date(rng, *self.birth),
            "電話番号": "-".join(self.phone),
            "郵便番号": f"{self.zip[:3]}-{self.zip[3:]}",
            "住所": f"{self.pref}{self.city}{self.town}{self.chome}丁目{self.ban}番{self.go}号" + (f" {self.building}" if self.building else ""),
        }


def surname(rng):
    return rng.choices(SURNAME_LIST, weights=SURNAME_WEIGHTS)[0]


def given(rng, sex, birth_year):
    gen = "O" if birth_year < 1955 else "M" if birth_year < 1990 else "Y"
    pool = [g for g in GIVEN_LIST if g[2] == sex and g[3] == gen]
    g = rng.choice(pool)
    return g[0], g[1]


def record_date(rng, y, m, d):
    """The 生年月日 column, in synth.py's spellings."""
    era = era_of(y, m, d)
    ey = y - era[2] + 1
    style = rng.randrange(5)
    if style == 0:
        return f"{era[0]}{'元' if ey == 1 else ey}年{m}月{d}日"
    if style == 1:
        return f"{era[1]}{ey}.{m}.{d}"
    if style == 2:
        return wide(f"{y}/{m:02d}/{d:02d}")
    if style == 3:
        return f"{y}-{m:02d}-{d:02d}"
    return f"{y}/{m:02d}/{d:02d}"


def date_text(rng, y, m, d, allow_partial=True):
    """A date as notes spell it: 和暦 and 西暦, kanji, full-width and abbreviated forms."""
    era = era_of(y, m, d)
    ey = y - era[2] + 1
    eys = "元" if ey == 1 else str(ey)
    styles = ["era", "era", "era_abbr", "era_abbr_slash", "era_kanji", "era_wide", "iso_slash", "iso_slash", "iso_slash0",
              "iso_kanji", "iso_dash", "wide_slash"]
    if allow_partial:
        styles += ["md", "md", "md", "md_slash", "ym_era", "ym_iso"]
    style = rng.choice(styles)
    return {
        "era": f"{era[0]}{eys}年{m}月{d}日",
        "era_abbr": f"{era[1]}{ey}.{m}.{d}",
        "era_abbr_slash": f"{era[1]}{ey}/{m}/{d}",
        "era_kanji": f"{era[0]}{'元' if ey == 1 else kanji_number(ey)}年{kanji_number(m)}月{kanji_number(d)}日",
        "era_wide": f"{era[0]}{wide(eys)}年{wide(str(m))}月{wide(str(d))}日",
        "iso_slash": f"{y}/{m}/{d}",
        "iso_slash0": f"{y}/{m:02d}/{d:02d}",
        "iso_kanji": f"{y}年{m}月{d}日",
        "iso_dash": f"{y}-{m:02d}-{d:02d}",
        "wide_slash": wide(f"{y}/{m}/{d}"),
        "md": f"{m}月{d}日",
        "md_slash": f"{m}/{d}",
        "ym_era": f"{era[0]}{eys}年{m}月",
        "ym_iso": f"{y}年{m}月",
    }[style]


def year_text(rng, y):
    era = era_of(y, 12, 31)
    ey = y - era[2] + 1
    return rng.choice([f"{era[0]}{'元' if ey == 1 else ey}年", f"{era[0]}{'元' if ey == 1 else kanji_number(ey)}年", f"{y}年",
                       f"{era[0]}元年" if era[0] != "明治" else f"{y}年"])


def age_text(rng, years, months=None):
    if years < 1 and months is not None:
        return f"生後{months}{rng.choice(['か月', 'ヶ月', 'カ月'])}"
    if years < 6 and months is not None and rng.random() < 0.3:
        return f"{years}歳{months % 12}か月"
    return rng.choice([f"{years}歳", f"{years}歳", f"{kanji_number(years)}歳", f"{wide(str(years))}歳", f"{years}才"])


def phone_text(rng, parts):
    a, b, c = parts
    style = rng.randrange(8)
    if style == 0:
        return a + b + c
    if style == 1:
        return f"{a}({b}){c}"
    if style == 2:
        return wide(f"{a}-{b}-{c}")
    if style == 3:
        return f"{a} {b} {c}"
    if style == 4 and a.startswith("0"):
        return f"+81-{a[1:]}-{b}-{c}"
    if style == 5:
        return f"{a}－{b}－{c}"
    return f"{a}-{b}-{c}"


def postal_text(rng, z):
    return rng.choice([f"{z[:3]}-{z[3:]}", f"{z[:3]}-{z[3:]}", z, wide(f"{z[:3]}-{z[3:]}")])


def other_phone(rng):
    if rng.random() < 0.5:
        return ("090" if rng.random() < 0.5 else "080", f"{rng.randrange(10000):04d}", f"{rng.randrange(10000):04d}")
    return (rng.choice(["03", "06"]), f"{rng.randrange(1000, 9999)}", f"{rng.randrange(10000):04d}")


def shift_date(y, m, d, days):
    t = datetime.date(y, m, d) + datetime.timedelta(days=days)
    return t.year, t.month, t.day


# ---- placeholders --------------------------------------------------------------------------------
class Writer:
    """Expands a template's {PLACEHOLDERS} into a Note, recording spans as it goes."""

    def __init__(self, rng, patient):
        self.rng = rng
        self.p = patient
        self.note = Note()
        self.dr = (surname(rng), given(rng, rng.choice("MF"), rng.randrange(1950, 1995)))
        self.facility_names = {}

    def write(self, template):
        for piece in re.split(r"(\{[A-Z_0-9]+\})", template):
            if piece.startswith("{") and piece.endswith("}"):
                getattr(self, "ph_" + piece[1:-1].lower())()
            elif piece:
                self.note.add(piece)

    # -- the patient
    def ph_pt(self):
        """The patient with an honorific, in the forms nurses and doctors use."""
        rng, p, add = self.rng, self.p, self.note.add
        if p.child and rng.random() < 0.7:
            if rng.random() < 0.3:
                add(p.surname + rng.choice(["", " "]) + p.given, "name")
            else:
                add(p.given, "name")
            add(rng.choice(["ちゃん", "ちゃん", "くん"]) if p.sex == "M" else "ちゃん")
            return
        form = rng.randrange(8)
        if form < 3:
            add(p.surname + rng.choice(["", "", " ", "　"]) + p.given, "name")
            add(rng.choice(["様", "さん", "氏", " 様"]))
        elif form < 7:
            add(p.surname, "name")
            add(rng.choice(["様", "さん", "さん", "氏"]))
        else:
            add(p.given, "name")
            add("さん")

    def ph_ptn(self):
        p = self.p
        self.note.add(p.surname + self.rng.choice(["", " ", "　"]) + p.given, "name")

    def ph_ptk(self):
        rng, p = self.rng, self.p
        kana = p.surname_kana + rng.choice(["　", " "]) + p.given_kana
        style = rng.randrange(5)
        if style == 0:
            kana = half_kana(kana)
        elif style == 1:
            kana = hiragana(kana)
        self.note.add(kana, "name")

    def ph_pthk(self):
        """Half-width kana alone (as printed by old 医事 systems), surname or full."""
        p = self.p
        kana = p.surname_kana if self.rng.random() < 0.4 else p.surname_kana + " " + p.given_kana
        self.note.add(half_kana(kana), "name")
        self.note.add(self.rng.choice([" 様", "様", "さん"]))

    def ph_age(self):
        self.note.add(age_text(self.rng, self.p.age, self.p.months), "age")

    def ph_dob(self):
        self.note.add(date_text(self.rng, *self.p.birth, allow_partial=False), "date")

    def ph_byear(self):
        self.note.add(year_text(self.rng, self.p.birth[0]), "date")
        self.note.add("生まれ")

    def ph_pid(self):
        pid = self.p.pid
        self.note.add(wide(pid) if self.rng.random() < 0.15 else pid, "id")

    def ph_phone(self):
        self.note.add(phone_text(self.rng, self.p.phone), "phone")

    def ph_ophone(self):
        self.note.add(phone_text(self.rng, other_phone(self.rng)), "phone")

    def ph_postal(self):
        self.note.add(postal_text(self.rng, self.p.zip), "postal")

    def ph_addr(self):
        """Where the patient lives, from the full address down to 区 + 町."""
        rng, p = self.rng, self.p
        style = rng.randrange(6)
        if style == 0:
            text = f"{p.pref}{p.city}{p.town}{p.chome}丁目{p.ban}番{p.go}号"
        elif style == 1:
            text = f"{p.pref}{p.city}{p.town}{p.chome}-{p.ban}-{p.go}"
        elif style == 2:
            text = f"{p.city}{p.town}{wide(f'{p.chome}-{p.ban}-{p.go}')}"
        elif style == 3:
            text = f"{p.city}{p.town}{kanji_number(p.chome)}丁目"
        else:
            text = f"{p.city}{p.town}"
        if style < 2 and p.building and rng.random() < 0.5:
            text += f" {p.building}"
        self.note.add(text, "address")

    def ph_addr_full(self):
        p = self.p
        text = f"{p.pref}{p.city}{p.town}{p.chome}丁目{p.ban}番{p.go}号" if self.rng.random() < 0.5 else \
            f"{p.pref}{p.city}{p.town}{p.chome}-{p.ban}-{p.go}"
        if p.building:
            text += rng_sep(self.rng) + p.building
        self.note.add(text, "address")

    def ph_email(self):
        self.note.add(self.p.email, "email")

    def ph_url(self):
        rng = self.rng
        url = rng.choice([f"https://www.example-{rng.choice(['clinic', 'hospital', 'care'])}.jp/",
                          f"https://example.com/patients/{rng.randrange(1000, 99999)}",
                          f"http://www.example.org/blog/{romaji(self.p.surname_kana)}",
                          f"https://example.jp/reserve?id={self.p.pid}"])
        self.note.add(url, "url")

    def ph_mynum(self):
        n = my_number(self.rng)
        self.note.add(n if self.rng.random() < 0.6 else f"{n[:4]} {n[4:8]} {n[8:]}", "id")

    def ph_insurer(self):
        self.note.add(insurer_number(self.rng), "id")

    def ph_insno(self):
        rng = self.rng
        self.note.add(f"{rng.randrange(1, 9999)}", "id")
        self.note.add(rng.choice(["・", " 番号 ", "-"]))
        self.note.add(f"{rng.randrange(1, 99999)}", "id")

    # -- other people and places
    def _relative(self):
        rng, p = self.rng, self.p
        if p.child:
            role, sex, born = rng.choice([("母", "F", p.birth[0] - 30), ("父", "M", p.birth[0] - 32), ("祖母", "F", p.birth[0] - 60)])
        elif p.age >= 60:
            role, sex, born = rng.choice([("長男", "M", p.birth[0] + 28), ("長女", "F", p.birth[0] + 27), ("次男", "M", p.birth[0] + 31),
                                          ("妻" if p.sex == "M" else "夫", "F" if p.sex == "M" else "M", p.birth[0] + rng.randrange(-4, 4))])
        else:
            role, sex, born = rng.choice([("妻" if p.sex == "M" else "夫", "F" if p.sex == "M" else "M", p.birth[0]), ("母", "F", p.birth[0] - 28)])
        fam = p.surname
        if role in ("長女", "次女") and rng.random() < 0.6:
            fam = surname(rng)[0]
        return role, fam, given(rng, sex, max(1900, born))[0]

    def ph_rel(self):
        """A relative named: 長男の田中一郎さん, 妻 花子様, 長女(鈴木恵子さん)."""
        rng, add = self.rng, self.note.add
        role, fam, giv = self._relative()
        style = rng.randrange(5)
        if style == 0:
            add(f"{role}の")
            add(fam + giv, "name")
            add(rng.choice(["さん", "様", "氏"]))
        elif style == 1:
            add(f"{role} ")
            add(giv, "name")
            add(rng.choice(["様", "さん"]))
        elif style == 2:
            add(f"{role}（")
            add(fam + rng.choice(["", " "]) + giv, "name")
            add("さん）")
        elif style == 3:
            add(f"{role}・")
            add(fam, "name")
            add("様")
        else:
            add(f"{role}の")
            add(giv, "name")
            add("さん")

    def ph_relrole(self):
        """A relative not named (キーパーソンは長女): not an identifier."""
        self.note.add(self._relative()[0])

    def ph_dr(self):
        rng, add = self.rng, self.note.add
        sur, (giv, _) = self.dr if rng.random() < 0.6 else (surname(rng), given(rng, rng.choice("MF"), rng.randrange(1950, 1995)))
        sur = sur[0]
        style = rng.randrange(6)
        if style == 0:
            add(sur, "name")
            add("医師")
        elif style == 1:
            add(sur, "name")
            add("先生")
        elif style == 2:
            add("Dr.")
            add(sur, "name")
        elif style == 3:
            add(sur, "name")
            add("Dr")
        elif style == 4:
            add(sur + rng.choice([" ", "　", ""]) + giv, "name")
            add(" 先生")
        else:
            add(sur + rng.choice([" ", ""]) + giv, "name")
            add("医師")

    def ph_drfull(self):
        sur, (giv, _) = self.dr
        self.note.add(sur[0] + self.rng.choice([" ", "　", ""]) + giv, "name")

    def ph_ns(self):
        rng, add = self.rng, self.note.add
        sur = surname(rng)[0]
        style = rng.randrange(4)
        if style == 0:
            add(sur, "name")
            add("Ns")
        elif style == 1:
            add("看護師 ")
            add(sur, "name")
        elif style == 2:
            add(sur, "name")
            add("（Ns）")
        else:
            add("Ns.")
            add(sur, "name")

    def _facility(self, key=None):
        rng = self.rng
        if key and key in self.facility_names:
            return self.facility_names[key]
        stem = rng.choice(FACILITY_STEMS)
        kind = rng.randrange(9)
        if kind == 0:
            name = f"{stem}総合病院"
        elif kind == 1:
            name = f"{stem}クリニック"
        elif kind == 2:
            name = f"{surname(rng)[0]}内科クリニック"
        elif kind == 3:
            name = f"{rng.choice(CITIES)}市民病院"
        elif kind == 4:
            name = f"{stem}訪問看護ステーション"
        elif kind == 5:
            name = f"特別養護老人ホーム{stem}の里"
        elif kind == 6:
            name = f"{stem}大学医学部附属病院"
        elif kind == 7:
            name = f"{surname(rng)[0]}整形外科医院"
        else:
            name = f"{stem}記念病院"
        if key:
            self.facility_names[key] = name
        return name

    def ph_fac(self):
        self.note.add(self._facility(), "facility")

    def ph_ownfac(self):
        self.note.add(self._facility("own"), "facility")

    def ph_reffac(self):
        self.note.add(self._facility("ref"), "facility")

    def ph_sex(self):
        self.note.add("男性" if self.p.sex == "M" else "女性")

    def ph_dept(self):
        self.note.add(self.rng.choice(DEPTS))

    # -- dates relative to the visit
    def _date(self, back_lo, back_hi):
        return shift_date(*self.p.visit, -self.rng.randrange(back_lo, back_hi))

    def ph_date(self):
        self.note.add(date_text(self.rng, *self._date(0, 400)), "date")

    def ph_date_recent(self):
        self.note.add(date_text(self.rng, *self._date(1, 30)), "date")

    def ph_date_next(self):
        self.note.add(date_text(self.rng, *shift_date(*self.p.visit, self.rng.randrange(7, 60))), "date")

    def ph_today(self):
        self.note.add(date_text(self.rng, *self.p.visit, allow_partial=False), "date")

    def ph_past_year(self):
        y = self.rng.randrange(max(self.p.birth[0], self.p.visit[0] - 40), self.p.visit[0] + 1)
        self.note.add(year_text(self.rng, y), "date")

    # -- clinical mentions (kept)
    def ph_dx(self):
        pool = DISEASES_CHILD if self.p.child else DISEASES_ADULT
        self.note.add(self.rng.choice(pool), term="disease")

    def ph_sx(self):
        self.note.add(self.rng.choice(SYMPTOMS))

    def ph_complaint(self):
        self.note.add(self.rng.choice(COMPLAINTS))

    def ph_rx(self):
        rng, add = self.rng, self.note.add
        drug, doses, schedules = rng.choice(DRUGS)
        add(drug, term="drug")
        add(rng.choice(["", " "]))
        add(rng.choice(doses), term="dose")
        add(" ")
        sched = rng.choice(schedules)
        m = re.search(r"\d+日間", sched)
        if m:
            add(sched[:m.start()])
            add(m.group(), term="duration")
            add(sched[m.end():])
        else:
            add(sched)

    def ph_drug(self):
        self.note.add(self.rng.choice(DRUGS)[0], term="drug")

    def ph_lab(self):
        rng, add = self.rng, self.note.add
        name, value = rng.choice(LABS)
        add(name, term="lab")
        add(rng.choice([" ", "", ":", " "]))
        add(value(rng), term="value")

    def ph_time(self):
        self.note.add(f"{self.rng.randrange(0, 24)}:{self.rng.choice(['00', '15', '30', '45', '10', '50'])}", term="time")

    def ph_ago(self):
        rng = self.rng
        self.note.add(rng.choice([f"{rng.randrange(2, 8)}日前", f"{rng.randrange(1, 5)}週間前", f"{rng.randrange(1, 7)}か月前",
                                  "昨日", "数日前"]), term="duration")

    def ph_later(self):
        rng = self.rng
        self.note.add(rng.choice([f"{rng.randrange(1, 5)}週間後", f"{rng.randrange(1, 4)}か月後", f"{rng.randrange(3, 14)}日後"]),
                      term="duration")

    def ph_dur(self):
        rng = self.rng
        self.note.add(rng.choice([f"{rng.randrange(2, 8)}日間", f"{rng.randrange(1, 5)}週間", f"{rng.randrange(1, 7)}か月",
                                  f"{rng.randrange(2, 14)}日", f"{rng.randrange(1, 4)}ヶ月間"]), term="duration")


def rng_sep(rng):
    return rng.choice([" ", "　", ", "])


# ---- templates -----------------------------------------------------------------------------------
# Sentences with identifiers. Placeholders are Writer.ph_* methods.
ID_SENTENCES = [
    "{PT}、{AGE}。{DX}にて当科通院中。", "{PT}（{AGE}）、{DX}の定期受診。", "本日{PT}来院。{LAB}、{LAB}と改善傾向。",
    "{DATE}より{SX}出現し、{DATE_RECENT}当院受診。", "{PAST_YEAR}に{DX}の既往あり。", "{PAST_YEAR}、{FAC}にて{DX}の手術歴あり。",
    "{DR}より{RX}処方。", "主治医 {DR}。", "担当: {DR}", "{REL}付き添いで来院。", "{REL}より電話あり（{OPHONE}）、{DATE_NEXT}に面会予定。",
    "キーパーソンは{REL}。", "キーパーソンは{RELROLE}（連絡先 {OPHONE}）。", "{FAC}より紹介。{DX}疑い。", "紹介元: {FAC} {DR}",
    "{REFFAC}へ転院調整中。", "退院後は{FAC}を利用予定。", "患者ID: {PID}", "（ID {PID}）", "カルテ番号 {PID}",
    "{PT}、{BYEAR}、{AGE}。", "生年月日 {DOB}。", "{ADDR}在住、独居。", "{ADDR}在住、{RELROLE}と二人暮らし。", "自宅住所: 〒{POSTAL} {ADDR}",
    "連絡先: {PHONE}", "携帯 {PHONE} に連絡し、{PT}ご本人と話す。", "TEL {PHONE}（自宅）", "{PTK}", "受付時の呼出は{PTHK}。",
    "本人メール {EMAIL} へ結果送付の希望あり。", "参考: {URL}", "{URL} の記事を見て受診されたとのこと。",
    "保険者番号 {INSURER}、記号番号 {INSNO}。", "次回{DATE_NEXT} {TIME}予約。", "前回（{DATE_RECENT}）{LAB}、本日{LAB}。",
    "{TIME} 訪室。{PT}、{COMPLAINT}と話される。", "{TIME} {REL}面会あり。", "記録: {NS}", "{TIME} {LAB}、{LAB}。{NS}",
    "{DATE_RECENT}、{REFFAC}の{DR}に診療情報提供書を作成。", "{PT}の{RELROLE}より病状説明の希望あり。",
]
RARE_SENTENCES = ["マイナンバーカード（個人番号 {MYNUM}）にて資格確認済。", "個人番号 {MYNUM} の記載あり、コピーは返却。"]
# Sentences without identifiers; several hold words that look like names (清拭, 原因, 関節, 春頃, 正常, 明らか).
CLEAN_SENTENCES = [
    "{COMPLAINT}との訴え。", "{SX}の訴えあり。", "{LAB}、{LAB}。", "{LAB}と前回より改善。", "{DX}、コントロール良好。",
    "{DX}、コントロール不良のため{RX}を追加。", "{RX}継続。", "{RX}に変更。", "次回{LATER}に再診。", "{AGO}より{SX}あり。",
    "{TIME} 清拭実施。皮膚発赤なし。", "{TIME} 体位変換実施。", "夜間2時間おきに巡視、入眠良好。", "{TIME} {LAB}、{LAB}。",
    "原因は不明。経過観察とする。", "両膝関節の腫脹なし。", "春頃より{SX}が増悪。", "胸部X線で明らかな異常なし。",
    "心電図は正常洞調律。", "{DX}の既往あり、{DRUG}内服中。", "服薬アドヒアランス良好。", "食事・運動療法を再指導。",
    "リハビリ{DUR}継続の方針。", "腹部エコー施行、胆石なし。", "{DX}の増悪なし。", "{DRUG}の副作用なし。",
    "キーパーソンは{RELROLE}。", "近医にて{DX}と診断。", "前医で{RX}開始。", "当院{DEPT}で{DX}フォロー中。",
    "平熱で経過、食事摂取8割。", "{TIME} 発熱あり、{DRUG} {DUR}分処方。", "ADLは自立、杖歩行。", "{DX}のため{DEPT}にコンサルト。",
    "和やかに過ごされている。", "清潔ケアとして陰部洗浄実施。", "{DUR}の抗菌薬投与で解熱。", "{LAB}、{DX}の活動性は低い。",
]
SOAP_S = ["S) {COMPLAINT}", "S）{SX}の訴えあり。", "S: 特に訴えなし。", "S) {AGO}から{SX}。"]
SOAP_O = ["O) {LAB}、{LAB}。", "O）{LAB}, {LAB}, {LAB}", "O: 意識清明。{LAB}。", "O) 胸部聴診異常なし。{LAB}。"]
SOAP_A = ["A) {DX}", "A）{DX}、{DX}", "A: {DX}、増悪なし。", "A) {DX}疑い"]
SOAP_P = ["P) {RX}継続。次回{LATER}。", "P）{RX}開始。{LAB}を再検。", "P: 経過観察。", "P) {RX}に変更、{LATER}再診。"]


def pick(rng, pool, k):
    return [rng.choice(pool) for _ in range(k)]


def make_note(rng):
    visit = (rng.randrange(2020, 2026), rng.randrange(1, 13), rng.randrange(1, 29))
    patient = Patient(rng, visit)
    w = Writer(rng, patient)
    clean = rng.random() < 0.15
    style = rng.choices(["soap", "nursing", "free", "referral", "summary", "long"], weights=[26, 24, 26, 10, 12, 2])[0]
    if clean:
        style = rng.choice(["soap", "nursing", "free"])

    def ids(k):
        out = pick(rng, ID_SENTENCES, k)
        if rng.random() < 0.03:
            out.append(rng.choice(RARE_SENTENCES))
        return out

    sep = rng.choice(["", "", "\n"])
    if style == "soap":
        lines = [rng.choice(SOAP_S), rng.choice(SOAP_O), rng.choice(SOAP_A), rng.choice(SOAP_P)]
        if not clean:
            for s in ids(rng.randrange(1, 3)):
                lines.insert(rng.randrange(len(lines) + 1), s)
        w.write("\n".join(lines))
    elif style == "nursing":
        sents = pick(rng, CLEAN_SENTENCES, rng.randrange(1, 4))
        if not clean:
            sents += ids(rng.randrange(1, 3))
            rng.shuffle(sents)
        w.write(sep.join(sents))
    elif style == "free":
        sents = pick(rng, CLEAN_SENTENCES, rng.randrange(1, 5))
        if not clean:
            sents = ids(1) + sents
            if rng.random() < 0.5:
                sents += ids(rng.randrange(1, 3))
        w.write(sep.join(sents))
    elif style == "referral":
        w.write("{REFFAC}\n{DEPT} {DR} 御侍史\n\n患者氏名: {PTN} 様（{PTK}）\n生年月日: {DOB}（{AGE}）\n")
        if rng.random() < 0.6:
            w.write("住所: 〒{POSTAL} {ADDR_FULL}\n")
        if rng.random() < 0.5:
            w.write("電話: {PHONE}\n")
        w.write("傷病名: {DX}\n\nいつもお世話になっております。上記患者様、{DX}にて当院通院中の方です。"
                "{DATE}より{SX}を認め、精査加療目的に紹介させていただきます。")
        w.write(rng.choice(["{LAB}、{LAB}。", "{LAB}、{LAB}、{LAB}。"]) + "現在{RX}内服中です。")
        w.write("ご高診のほど宜しくお願い申し上げます。\n\n{TODAY}\n{OWNFAC} {DEPT} {DRFULL}")
    else:
        long = style == "long"
        w.write("【退院サマリー】{PTN}（{AGE}・{SEX}） 患者ID {PID}\n【入院日】{DATE_RECENT}　【退院日】{TODAY}\n【主病名】{DX}\n")
        w.write("【既往歴】" + "、".join(["{PAST_YEAR} {DX}"] * rng.randrange(1, 4)) + "\n【入院経過】")
        sents = pick(rng, CLEAN_SENTENCES, rng.randrange(20, 40) if long else rng.randrange(3, 7))
        sents += ids(rng.randrange(4, 9) if long else rng.randrange(0, 3))
        rng.shuffle(sents)
        body = sents if not long else [s + ("\n" if rng.random() < 0.2 else "") for s in sents]
        w.write("".join(body))
        w.write("\n【退院時処方】" + "、".join(["{RX}"] * rng.randrange(1, 5)))
        w.write("\n【退院先】" + rng.choice(["自宅", "{FAC}", "自宅（{FAC}の訪問看護導入）"]))
        if rng.random() < 0.6:
            w.write("\n【キーパーソン】{REL}　連絡先 {OPHONE}")
        w.write("\n記載: {DRFULL}")
    return patient, w.note


def check(note_id, text, spans, clinical):
    last = 0
    for s in spans:
        piece = text[s["start"]:s["end"]]
        if s["start"] < last or not piece or piece != piece.strip():
            raise SystemExit(f"notes.py: bad span {s} in {note_id}: {piece!r}")
        last = s["end"]
    for c in clinical:
        if any(s["start"] < c["end"] and c["start"] < s["end"] for s in spans):
            raise SystemExit(f"notes.py: clinical mention {c} overlaps an identifier in {note_id}")


def quote(field):
    if any(c in field for c in ',"\r\n'):
        return '"' + field.replace('"', '""') + '"'
    return field


CSV_HEADER = ["患者ID", "氏名", "カナ氏名", "生年月日", "性別", "電話番号", "郵便番号", "住所", "受診日", "病名", "医師所見"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="number of notes")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="-", help="JSONL file (default: stdout)")
    ap.add_argument("--csv", help="also write a hospital-style CSV export with the notes in the last column")
    ap.add_argument("--encoding", default="cp932", help="of the CSV: cp932 (default), utf-8, utf-8-sig")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8", newline="\n")
    rows = []
    for i in range(args.n):
        patient, note = make_note(rng)
        note_id = f"N{i + 1:05d}"
        text = note.text()
        check(note_id, text, note.spans, note.clinical)
        record = patient.record()
        out.write(json.dumps({"id": note_id, "record": record, "text": text, "spans": note.spans,
                              "clinical": note.clinical}, ensure_ascii=False) + "\n")
        if args.csv:
            dx = next((text[c["start"]:c["end"]] for c in note.clinical if c["term"] == "disease"), "")
            y, m, d = patient.visit
            rows.append([record["患者ID"], record["氏名"], record["カナ氏名"], record["生年月日"], "男" if patient.sex == "M" else "女",
                         record["電話番号"], record["郵便番号"], record["住所"], f"{y}/{m:02d}/{d:02d}", dx, text])
    if out is not sys.stdout:
        out.close()
    if args.csv:
        with open(args.csv, "wb") as f:
            lines = [",".join(quote(h) for h in CSV_HEADER)] + [",".join(quote(x) for x in r) for r in rows]
            f.write(("\r\n".join(lines) + "\r\n").encode(args.encoding))


if __name__ == "__main__":
    main()

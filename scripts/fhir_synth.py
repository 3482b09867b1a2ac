#!/usr/bin/env python3
"""Synthetic HL7 FHIR R4 exports profiled by JP Core, for tests and benchmarks. Never real data.

Every value comes from small made-up lists and one seeded RNG, so the same arguments give the same
bytes. Each patient gets a Patient, a Coverage, 1-4 Encounters, 1-4 Conditions, 2-8 Observations,
1-3 MedicationRequests, 0-1 AllergyIntolerance, 0-2 Procedures and 0-1 DocumentReference; shared
Practitioners and Organizations close the file. Free text (Condition.note, narratives, descriptions)
names the patient, a relative and a doctor in Japanese clinical style, sometimes with phone numbers
and 和暦 dates, so a de-identifier has something to find.

    python3 scripts/fhir_synth.py --patients 1000 --out export.ndjson --values values.json
    python3 scripts/fhir_synth.py --patients 50 --bundle export.json
    python3 scripts/fhir_synth.py --target-bytes 1000000000 --out big.ndjson

NDJSON: one resource per line. Lines pass through a seeded shuffle window, so one patient's
resources are scattered and a Patient may come after resources that reference it; Practitioner and
Organization resources come last (every reference points forward to them). Every
Reference.reference resolves to a resource in the same output.
Bundle: the same resources in the same order as one Bundle (type collection); each entry has
fullUrl urn:uuid:<uuid5 of "Type/id">, and every reference is rewritten to that urn:uuid.
Values (--values): per patient, every identifying value written into the output (names kanji/kana
and their parts, identifiers, phones, email, address and its parts, birth date and its 和暦 forms,
relatives' names, insurance symbol/number/sub-number/member id, Patient.id and every resource id
embedding the patient id) plus the Practitioner and Organization names, so a test can scan a
de-identified output for leaks. Name lists hold no one-character names, so scanning for a family
name does not hit inside another word; doctors' names come from lists disjoint from patients'.

JP Core canonical URLs (from jami-fhir-jp-wg/jp-core-v1x input/fsh/aliases-jpcore.fsh,
input/fsh/examples/JP_Patient_Example.fsh, JP_Coverage_Example.fsh, namingSystemForIdentifier.fsh):
  profiles   http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient (and JP_Coverage,
             JP_Encounter, JP_Condition, JP_Observation_LabResult, JP_MedicationRequest,
             JP_AllergyIntolerance, JP_Procedure, JP_DocumentReference, JP_Practitioner,
             JP_Organization)
  patient id urn:oid:1.2.392.100495.20.3.51.1 + 10-digit facility code (JP Core Patient search example
             "urn:oid:1.2.392.100495.20.3.51.11312345670|123456")
  names      http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation valueCode IDE / SYL
  insurance  http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSymbol
             http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonNumber
             http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSubNumber
             http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID (identifier system)
             urn:oid:1.2.392.100495.20.3.61 (insurer number, Organization.identifier)
  codes      http://jpfhir.jp/fhir/core/mhlw/CodeSystem/ICD10-2013-full (ICD-10)
             http://medis.or.jp/CodeSystem/master-JLAC10-17digits (JLAC10), http://loinc.org
             http://capstandard.jp/iyaku.info/CodeSystem/YJ-code, http://medis.or.jp/CodeSystem/master-HOT9
             http://jpfhir.jp/fhir/core/CodeSystem/JP_SimpleObservationCategory_CS
             http://jpfhir.jp/fhir/core/mhlw/CodeSystem/masterS-medicalProcedure
The YJ, HOT9, JLAC10 and procedure code values are plausible in shape, not checked against the
masters; names, phone numbers, addresses and insurance numbers are invented.
"""
import argparse
import json
import random
import sys
import uuid

CORE = "http://jpfhir.jp/fhir/core/StructureDefinition/"
EXT = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/"
PATIENT_ID_SYSTEM = "urn:oid:1.2.392.100495.20.3.51.1"
EN_REPRESENTATION = "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation"
MEMBER_ID_SYSTEM = "http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID"
INSURER_SYSTEM = "urn:oid:1.2.392.100495.20.3.61"
ICD10 = "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/ICD10-2013-full"
JLAC10 = "http://medis.or.jp/CodeSystem/master-JLAC10-17digits"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
YJ = "http://capstandard.jp/iyaku.info/CodeSystem/YJ-code"
HOT9 = "http://medis.or.jp/CodeSystem/master-HOT9"
OBS_CATEGORY = "http://jpfhir.jp/fhir/core/CodeSystem/JP_SimpleObservationCategory_CS"
PROCEDURE_CS = "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/masterS-medicalProcedure"
XHTML = '<div xmlns="http://www.w3.org/1999/xhtml">'

FAMILY = [("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("髙橋", "タカハシ"), ("田中", "タナカ"),
          ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("渡邊", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"),
          ("小林", "コバヤシ"), ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山田", "ヤマダ"), ("佐々木", "ササキ"),
          ("山﨑", "ヤマサキ"), ("山崎", "ヤマザキ"), ("森川", "モリカワ"), ("林田", "ハヤシダ"), ("中山", "ナカヤマ"),
          ("斎藤", "サイトウ"), ("齋藤", "サイトウ"), ("清水", "シミズ"), ("大野", "オオノ"), ("井上", "イノウエ"),
          ("木村", "キムラ"), ("山口", "ヤマグチ"), ("池田", "イケダ"), ("橋本", "ハシモト"), ("阿部", "アベ")]
GIVEN_M = [("太郎", "タロウ"), ("一郎", "イチロウ"), ("誠一", "セイイチ"), ("健太", "ケンタ"), ("翔太", "ショウタ"),
           ("大輔", "ダイスケ"), ("浩二", "コウジ"), ("茂樹", "シゲキ"), ("正雄", "マサオ"), ("拓也", "タクヤ")]
GIVEN_F = [("花子", "ハナコ"), ("春香", "ハルカ"), ("陽子", "ヨウコ"), ("美咲", "ミサキ"), ("恵子", "ケイコ"),
           ("和子", "カズコ"), ("さくら", "サクラ"), ("優子", "ユウコ"), ("幸子", "サチコ"), ("千尋", "チヒロ")]
# Doctors' names share nothing with patients' so a leak scan for a patient never matches a doctor.
DOCTOR_FAMILY = [("松本", "マツモト"), ("石川", "イシカワ"), ("前田", "マエダ"), ("藤田", "フジタ"), ("岡田", "オカダ"),
                 ("長谷川", "ハセガワ"), ("村上", "ムラカミ"), ("近藤", "コンドウ"), ("坂本", "サカモト"), ("遠藤", "エンドウ"),
                 ("青木", "アオキ"), ("西村", "ニシムラ"), ("福田", "フクダ"), ("三浦", "ミウラ"), ("藤原", "フジワラ")]
DOCTOR_GIVEN = [("直樹", "ナオキ"), ("修平", "シュウヘイ"), ("聡史", "サトシ"), ("智子", "トモコ"), ("真理子", "マリコ"),
                ("隆之", "タカユキ"), ("由美", "ユミ"), ("康弘", "ヤスヒロ")]
PLACES = [("東京都", "新宿区", "西新宿", "160"), ("東京都", "世田谷区", "太子堂", "154"),
          ("大阪府", "大阪市北区", "梅田", "530"), ("神奈川県", "横浜市港北区", "日吉", "223"),
          ("北海道", "札幌市中央区", "北一条西", "060"), ("愛知県", "名古屋市中区", "栄", "460"),
          ("福岡県", "福岡市博多区", "博多駅前", "812"), ("埼玉県", "さいたま市浦和区", "高砂", "330"),
          ("長野県", "北佐久郡軽井沢町", "軽井沢", "389"), ("京都府", "京都市左京区", "吉田本町", "606")]
BUILDINGS = ["コーポ", "ハイツ", "メゾン", "グランドパレス", "サンライズ"]
TOWERS = ["", "A棟", "B棟", "第2", "東館"]
ERAS = [("令和", "R", 2019, (2019, 5, 1)), ("平成", "H", 1989, (1989, 1, 8)), ("昭和", "S", 1926, (1926, 12, 25)),
        ("大正", "T", 1912, (1912, 7, 30)), ("明治", "M", 1868, (1868, 1, 25))]
# (relationship text, v2-0131 code, sex of the relative, same family name as the patient)
RELATIVES = [("妻", "N", "F", True), ("夫", "N", "M", True), ("長男", "N", "M", True), ("長女", "N", "F", False),
             ("母", "N", "F", True), ("父", "N", "M", True), ("次女", "C", "F", False), ("姪", "C", "F", False)]
DEPTS = [("01", "内科"), ("02", "外科"), ("05", "整形外科"), ("09", "小児科"), ("14", "循環器内科"),
         ("15", "消化器内科"), ("20", "眼科"), ("22", "皮膚科")]
# (name, ICD-10, symptom that brings the patient in)
DISEASES = [("2型糖尿病", "E11.9", "口渇・多飲"), ("本態性高血圧症", "I10", "頭痛と肩こり"),
            ("急性上気道炎", "J06.9", "咽頭痛と発熱"), ("脂質異常症", "E78.5", "健診での脂質高値"),
            ("気管支喘息", "J45.9", "夜間の咳嗽と喘鳴"), ("胃潰瘍", "K25.9", "心窩部痛"),
            ("腰部脊柱管狭窄症", "M48.06", "間欠性跛行"), ("アトピー性皮膚炎", "L20.9", "皮膚のそう痒"),
            ("慢性腎臓病", "N18.3", "下腿浮腫"), ("心房細動", "I48.9", "動悸")]
# (JLAC10, LOINC, display, UCUM unit, low, high, decimals)
LABS = [("3D046000001906202", "4548-4", "HbA1c", "%", 4.8, 10.5, 1),
        ("3D010000001926101", "2345-7", "血糖", "mg/dL", 70, 260, 0),
        ("3B035000002327201", "1920-8", "AST", "U/L", 12, 90, 0),
        ("3B045000002327201", "1742-6", "ALT", "U/L", 8, 110, 0),
        ("3C015000002327101", "2160-0", "クレアチニン", "mg/dL", 0.5, 2.4, 2),
        ("8A065000002391901", "33914-3", "eGFR", "mL/min/{1.73_m2}", 18, 110, 1),
        ("3A015000001827101", "1751-7", "アルブミン", "g/dL", 2.8, 5.1, 1),
        ("3H015000002326101", "2823-3", "カリウム", "mmol/L", 3.2, 5.8, 1),
        ("3F077000002327101", "2089-1", "LDLコレステロール", "mg/dL", 60, 210, 0),
        ("2A030000001930101", "718-7", "ヘモグロビン", "g/dL", 9.0, 17.5, 1),
        ("5C070000002306101", "1988-5", "CRP", "mg/dL", 0.01, 8.5, 2)]
# (JLAC10, LOINC, display, possible string results)
LABS_STRING = [("1A010000000190111", "2888-6", "尿蛋白定性", ["(-)", "(±)", "(+)", "(2+)"]),
               ("5F016141002227101", "5196-1", "HBs抗原", ["陰性", "陽性", "判定保留"]),
               ("1A020000000190111", "2350-7", "尿糖定性", ["(-)", "(+)", "(3+)"])]
# (display, YJ, HOT9, dose text)
DRUGS = [("アムロジピン錠5mg", "2171022F1027", "620004422", "1回1錠 1日1回 朝食後"),
         ("メトホルミン塩酸塩錠250mg", "3962002F1035", "620008901", "1回1錠 1日2回 朝夕食後"),
         ("ロスバスタチン錠2.5mg", "2189017F1022", "621957101", "1回1錠 1日1回 夕食後"),
         ("ランソプラゾールOD錠15mg", "2329023F2024", "622099201", "1回1錠 1日1回 朝食前"),
         ("モンテルカスト錠10mg", "4490026F1020", "620009402", "1回1錠 1日1回 就寝前"),
         ("ロキソプロフェンNa錠60mg", "1149019F1560", "620098801", "1回1錠 疼痛時 1日3回まで"),
         ("アピキサバン錠5mg", "3339004F2020", "622155501", "1回1錠 1日2回 朝夕食後"),
         ("ヘパリン類似物質油性クリーム0.3%", "3339950N1070", "620000123", "1日2回 患部に塗布")]
ALLERGIES = [("ペニシリン系抗菌薬", "medication", "発疹"), ("卵", "food", "蕁麻疹"), ("サバ", "food", "そう痒"),
             ("ヨード造影剤", "medication", "嘔気"), ("スギ花粉", "environment", "鼻汁")]
PROCEDURES = [("170011810", "胸部単純X線撮影"), ("160093810", "心電図検査"), ("160095710", "上部消化管内視鏡検査"),
              ("170027910", "腹部CT撮影"), ("140009310", "創傷処理")]
DOC_TYPES = [("18842-5", "退院時サマリー"), ("11488-4", "診療情報提供書"), ("34117-2", "初診時記録")]
PAYERS = [("06131234", "あじさい健康保険組合"), ("01130012", "ひまわり協会けんぽ東京"), ("138123", "みどり市国民健康保険"),
          ("06271109", "さつき健康保険組合"), ("39131015", "けやき後期高齢者医療広域連合")]

# Shared, read-only fragments: json.dumps serializes them again for each resource, which is
# cheaper than building fresh dicts per resource.
META = {t: {"profile": [CORE + p]} for t, p in [
    ("Patient", "JP_Patient"), ("Coverage", "JP_Coverage"), ("Encounter", "JP_Encounter"),
    ("Condition", "JP_Condition"), ("Observation", "JP_Observation_LabResult"),
    ("MedicationRequest", "JP_MedicationRequest"), ("AllergyIntolerance", "JP_AllergyIntolerance"),
    ("Procedure", "JP_Procedure"), ("DocumentReference", "JP_DocumentReference"),
    ("Practitioner", "JP_Practitioner"), ("Organization", "JP_Organization")]}
LAB_CATEGORY = [{"coding": [{"system": OBS_CATEGORY, "code": "laboratory", "display": "検体検査"}]}]
LAB_CODES = [{"coding": [{"system": JLAC10, "code": j, "display": d}, {"system": LOINC, "code": l}], "text": d}
             for j, l, d, *_ in LABS]
LAB_STRING_CODES = [{"coding": [{"system": JLAC10, "code": j, "display": d}, {"system": LOINC, "code": l}], "text": d}
                    for j, l, d, _ in LABS_STRING]
CONDITION_CODES = [{"coding": [{"system": ICD10, "code": icd, "display": name}], "text": name}
                   for name, icd, _ in DISEASES]
CLINICAL_ACTIVE = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]}
VERIFIED = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]}
DRUG_CODES = [{"coding": [{"system": YJ, "code": yj, "display": n}, {"system": HOT9, "code": hot, "display": n}],
               "text": n} for n, yj, hot, _ in DRUGS]
ROUTE_ORAL = {"coding": [{"system": "http://jpfhir.jp/fhir/core/CodeSystem/route-codes", "code": "PO", "display": "口"}]}
ENCOUNTER_CLASS = {"AMB": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB", "display": "外来"},
                   "IMP": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP", "display": "入院"},
                   "EMER": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "EMER", "display": "救急"}}
COVERAGE_TYPE = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "PUBLICPOL"}]}
IDE = [{"url": EN_REPRESENTATION, "valueCode": "IDE"}]
SYL = [{"url": EN_REPRESENTATION, "valueCode": "SYL"}]
GENDER_JA = {"male": "男性", "female": "女性"}
HOSPITAL_ID, HOSPITAL_NAME = "org-hospital", "さくら台総合病院"
DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def wareki(y, m, d, style):
    """A date written the way Japanese charts write it: 令和5年4月1日, R5.4.1, 昭和45年1月1日."""
    name, letter, start, first = next(e for e in ERAS if (y, m, d) >= e[3])
    ey = y - start + 1
    if style == 0:
        return f"{name}{'元' if ey == 1 else ey}年{m}月{d}日"
    return f"{letter}{ey}.{m}.{d}"


def fits(relationship, gender, age):
    """Whether a patient of this gender and age can have this relative (no wife of a woman, no son of a child)."""
    if relationship in ("妻", "夫"):
        return age >= 20 and (relationship == "妻") == (gender == "male")
    if relationship in ("長男", "長女", "次女"):
        return age >= 40
    if relationship in ("母", "父"):
        return age < 75
    return True


def ref(kind, rid, display=None):
    r = {"reference": f"{kind}/{rid}"}
    if display:
        r["display"] = display
    return r


def narrative(html):
    return {"status": "generated", "div": XHTML + html + "</div>"}


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        rng = self.rng
        self.facility = f"{rng.randrange(1, 48):02d}1{rng.randrange(10**7):07d}"  # 10 digits
        self.pid_offset = rng.randrange(10**8)
        self.doctors = []
        for n in range(24):
            fam, fam_kana = DOCTOR_FAMILY[n % len(DOCTOR_FAMILY)]
            giv, giv_kana = DOCTOR_GIVEN[(n * 5 + n // len(DOCTOR_FAMILY)) % len(DOCTOR_GIVEN)]
            self.doctors.append((f"prac-{n + 1:03d}", fam, giv, fam_kana, giv_kana))
        self.payers = [(f"org-payer-{n + 1}", num, name) for n, (num, name) in enumerate(PAYERS)]
        self.uuid_ns = uuid.UUID(int=rng.getrandbits(128))

    def opaque_id(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def phone(self):
        rng = self.rng
        kind = rng.randrange(4)
        if kind == 0:
            return f"0{rng.choice('789')}0-{rng.randrange(10000):04d}-{rng.randrange(10000):04d}"
        if kind == 1:
            return f"03-{rng.randrange(1000, 10000)}-{rng.randrange(10000):04d}"
        if kind == 2:
            return f"0{rng.randrange(11, 99)}-{rng.randrange(100, 1000)}-{rng.randrange(10000):04d}"
        return f"0{rng.choice('789')}0{rng.randrange(10**8):08d}"

    def date(self, y0, y1):
        rng = self.rng
        return rng.randrange(y0, y1), rng.randrange(1, 13), rng.randrange(1, 29)

    def patient(self, index):
        """Returns (resources, values) for one patient; resources are dicts in creation order."""
        rng = self.rng
        pid = f"{(index * 7919 + self.pid_offset) % 10**8:08d}"
        fam, fam_kana = rng.choice(FAMILY)
        gender = "male" if rng.random() < 0.5 else "female"
        giv, giv_kana = rng.choice(GIVEN_M if gender == "male" else GIVEN_F)
        sep = rng.choice([" ", "　"])
        name_text, kana_text = f"{fam}{sep}{giv}", f"{fam_kana}{sep}{giv_kana}"
        by, bm, bd = self.date(1930, 2015)
        birth = f"{by}-{bm:02d}-{bd:02d}"
        age = 2024 - by
        pref, city, town, zip3 = rng.choice(PLACES)
        postal = f"{zip3}-{rng.randrange(10000):04d}"
        if rng.random() < 0.3:
            postal = postal.replace("-", "")
        lines = [f"{town}{rng.randrange(1, 6)}丁目{rng.randrange(1, 30)}番{rng.randrange(1, 20)}号"]
        if rng.random() < 0.4:
            lines.append(f"{rng.choice(BUILDINGS)}{rng.choice(TOWERS)}{rng.randrange(101, 999)}号室")
        address_text = f"{pref}{city}{''.join(lines)}"
        phones = [self.phone()]
        if rng.random() < 0.4:
            phones.append(self.phone())
        email = f"p{pid[-5:]}{rng.randrange(100, 1000)}@example.jp"
        rel_text, rel_code, rel_sex, same_family = rng.choice([r for r in RELATIVES if fits(r[0], gender, age)])
        rel_fam, rel_fam_kana = (fam, fam_kana) if same_family else rng.choice(FAMILY)
        rel_giv, rel_giv_kana = rng.choice(GIVEN_M if rel_sex == "M" else GIVEN_F)
        rel_name = f"{rel_fam} {rel_giv}"
        rel_phone = self.phone()
        symbol = rng.choice([f"{rng.randrange(1, 100)}-{rng.randrange(1, 100)}", f"{rng.randrange(1, 10000)}",
                             f"あ{rng.randrange(1, 1000)}"])
        number = f"{rng.randrange(1, 10**rng.randrange(3, 8))}"
        sub = f"{rng.randrange(0, 3):02d}"
        payer_id, insurer, payer_name = rng.choice(self.payers)
        member_id = f"{insurer}:{symbol}:{number}:{sub}"
        doctor = rng.choice(self.doctors)
        doc_id, doc_name = doctor[0], f"{doctor[1]} {doctor[2]}"
        birth_forms = [birth, wareki(by, bm, bd, 0), wareki(by, bm, bd, 1)]

        subject = ref("Patient", pid, name_text)
        subject_bare = ref("Patient", pid)
        div_name = f"<p>{name_text}（{kana_text}）様</p>"
        resources = []
        ids = [pid]

        contact = {"relationship": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0131",
                                                  "code": rel_code}], "text": rel_text}],
                   "name": {"extension": IDE, "use": "official", "text": rel_name,
                            "family": rel_fam, "given": [rel_giv]},
                   "telecom": [{"system": "phone", "value": rel_phone, "use": "mobile"}]}
        telecom = [{"system": "phone", "value": p, "use": "home" if n == 0 else "mobile"}
                   for n, p in enumerate(phones)]
        telecom.append({"system": "email", "value": email, "use": "home"})
        resources.append({
            "resourceType": "Patient", "id": pid, "meta": META["Patient"],
            "text": narrative(f"{div_name}<p>{birth} {GENDER_JA[gender]} {address_text}</p>"),
            "identifier": [{"system": PATIENT_ID_SYSTEM + self.facility, "value": pid}],
            "active": True,
            "name": [{"extension": IDE, "use": "official", "text": name_text, "family": fam, "given": [giv]},
                     {"extension": SYL, "use": "official", "text": kana_text, "family": fam_kana,
                      "given": [giv_kana]}],
            "telecom": telecom, "gender": gender, "birthDate": birth,
            "address": [{"use": "home", "text": address_text, "line": lines, "city": city, "state": pref,
                         "postalCode": postal, "country": "JP"}],
            "contact": [contact],
            "generalPractitioner": [ref("Practitioner", doc_id)],
            "managingOrganization": ref("Organization", HOSPITAL_ID),
        })

        cov_id = f"cov-{pid}"
        ids.append(cov_id)
        resources.append({
            "resourceType": "Coverage", "id": cov_id, "meta": META["Coverage"],
            "text": narrative(f"{div_name}<p>{payer_name} 記号{symbol} 番号{number}</p>"),
            "extension": [{"url": EXT + "JP_Coverage_InsuredPersonSymbol", "valueString": symbol},
                          {"url": EXT + "JP_Coverage_InsuredPersonNumber", "valueString": number},
                          {"url": EXT + "JP_Coverage_InsuredPersonSubNumber", "valueString": sub}],
            "identifier": [{"system": MEMBER_ID_SYSTEM, "value": member_id}],
            "status": "active", "type": COVERAGE_TYPE,
            "subscriberId": f"{symbol}:{number}", "beneficiary": subject_bare, "dependent": sub,
            "relationship": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship",
                                         "code": "self" if sub == "00" else "child"}]},
            "payor": [ref("Organization", payer_id, payer_name)],
        })

        encounters = []
        for n in range(rng.randrange(1, 5)):
            y, m, d = self.date(2020, 2025)
            enc_id = f"enc-{pid}-{n + 1}"
            ids.append(enc_id)
            cls = rng.choice(("AMB", "AMB", "AMB", "IMP", "EMER"))
            dept = rng.choice(DEPTS)
            start = f"{y}-{m:02d}-{d:02d}T{rng.randrange(8, 18):02d}:{rng.choice(('00', '15', '30', '45'))}:00+09:00"
            end_day = d + (rng.randrange(2, 15) if cls == "IMP" else 0)
            end = f"{y}-{m:02d}-{min(end_day, 28):02d}T{rng.randrange(18, 20):02d}:00:00+09:00"
            encounters.append((enc_id, (y, m, d)))
            resources.append({
                "resourceType": "Encounter", "id": enc_id, "meta": META["Encounter"],
                "text": narrative(f"{div_name}<p>{dept[1]} {ENCOUNTER_CLASS[cls]['display']} {y}/{m}/{d}</p>"),
                "status": "finished", "class": ENCOUNTER_CLASS[cls],
                "serviceType": {"coding": [{"system": "http://jpfhir.jp/fhir/core/CodeSystem/JP_Department_SsMix_CS",
                                            "code": dept[0], "display": dept[1]}]},
                "subject": subject,
                "participant": [{"individual": ref("Practitioner", doc_id, doc_name)}],
                "period": {"start": start, "end": end},
                "serviceProvider": ref("Organization", HOSPITAL_ID),
            })

        diseases = []
        for n in range(rng.randrange(1, 5)):
            k = rng.randrange(len(DISEASES))
            disease, icd, symptom = DISEASES[k]
            diseases.append(disease)
            enc_id, (y, m, d) = rng.choice(encounters)
            cond_id = f"cond-{pid}-{n + 1}"
            ids.append(cond_id)
            note = self.clinical_note(fam, giv, name_text, kana_text, age, gender, rel_text, rel_name, rel_phone,
                                      phones[0], doc_name, disease, symptom, (y, m, d), birth_forms)
            resources.append({
                "resourceType": "Condition", "id": cond_id, "meta": META["Condition"],
                "text": narrative(f"{div_name}<p>{disease}（{icd}）</p>"),
                "clinicalStatus": CLINICAL_ACTIVE, "verificationStatus": VERIFIED,
                "code": CONDITION_CODES[k], "subject": subject, "encounter": ref("Encounter", enc_id),
                "onsetDateTime": f"{y}-{m:02d}-{d:02d}", "recordedDate": f"{y}-{m:02d}-{d:02d}",
                "recorder": ref("Practitioner", doc_id),
                "note": [{"authorReference": ref("Practitioner", doc_id), "text": note}],
            })

        for n in range(rng.randrange(2, 9)):
            enc_id, (y, m, d) = rng.choice(encounters)
            obs_id = self.opaque_id() if rng.random() < 0.5 else f"obs-{pid}-{n + 1}"
            if obs_id.startswith("obs-"):
                ids.append(obs_id)
            obs = {"resourceType": "Observation", "id": obs_id, "meta": META["Observation"], "text": None,
                   "status": "final", "category": LAB_CATEGORY}
            if rng.random() < 0.2:
                k = rng.randrange(len(LABS_STRING))
                value = rng.choice(LABS_STRING[k][3])
                obs["code"] = LAB_STRING_CODES[k]
                shown = f"{LABS_STRING[k][2]} {value}"
            else:
                k = rng.randrange(len(LABS))
                _, _, display, unit, lo, hi, dec = LABS[k]
                result = round(rng.uniform(lo, hi), dec)
                if dec == 0:
                    result = int(result)
                value = {"value": result, "unit": unit, "system": UCUM, "code": unit}
                obs["code"] = LAB_CODES[k]
                shown = f"{display} {result} {unit}"
            obs["text"] = narrative(f"{div_name}<p>{shown}</p>")
            obs["subject"] = subject_bare
            obs["encounter"] = ref("Encounter", enc_id)
            obs["effectiveDateTime"] = f"{y}-{m:02d}-{d:02d}T{rng.randrange(8, 12):02d}:00:00+09:00"
            obs["performer"] = [ref("Organization", HOSPITAL_ID)]
            if isinstance(value, str):
                obs["valueString"] = value
            else:
                obs["valueQuantity"] = value
            resources.append(obs)

        for n in range(rng.randrange(1, 4)):
            k = rng.randrange(len(DRUGS))
            drug, _, _, dose = DRUGS[k]
            enc_id, (y, m, d) = rng.choice(encounters)
            days = rng.choice((7, 14, 28, 30, 56))
            text = f"{dose} {days}日分"
            if rng.random() < 0.15:
                text += f"。{fam}様は嚥下困難あり、{rel_text}が服薬介助"
            resources.append({
                "resourceType": "MedicationRequest", "id": self.opaque_id(), "meta": META["MedicationRequest"],
                "text": narrative(f"{div_name}<p>{drug} {text}</p>"),
                "status": "active", "intent": "order", "medicationCodeableConcept": DRUG_CODES[k],
                "subject": subject, "encounter": ref("Encounter", enc_id),
                "authoredOn": f"{y}-{m:02d}-{d:02d}", "requester": ref("Practitioner", doc_id, doc_name),
                "dosageInstruction": [{"text": text, "route": ROUTE_ORAL}],
                "dispenseRequest": {"expectedSupplyDuration": {"value": days, "unit": "日", "system": UCUM,
                                                               "code": "d"}},
            })

        if rng.random() < 0.3:
            substance, category, reaction = rng.choice(ALLERGIES)
            alg_id = f"alg-{pid}"
            ids.append(alg_id)
            resources.append({
                "resourceType": "AllergyIntolerance", "id": alg_id, "meta": META["AllergyIntolerance"],
                "text": narrative(f"{div_name}<p>{substance}アレルギー（{reaction}）</p>"),
                "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                                               "code": "active"}]},
                "category": [category], "code": {"text": substance}, "patient": subject,
                "recorder": ref("Practitioner", doc_id),
                "reaction": [{"manifestation": [{"text": reaction}],
                              "description": f"{rel_text}（{rel_name}様）の話では幼少時より{reaction}あり"}],
            })

        for n in range(rng.choice((0, 0, 1, 2))):
            code, name = rng.choice(PROCEDURES)
            enc_id, (y, m, d) = rng.choice(encounters)
            resources.append({
                "resourceType": "Procedure", "id": self.opaque_id(), "meta": META["Procedure"],
                "text": narrative(f"{div_name}<p>{name}</p>"),
                "status": "completed",
                "code": {"coding": [{"system": PROCEDURE_CS, "code": code, "display": name}], "text": name},
                "subject": subject, "encounter": ref("Encounter", enc_id),
                "performedDateTime": f"{y}-{m:02d}-{d:02d}",
                "performer": [{"actor": ref("Practitioner", doc_id, doc_name)}],
            })

        if rng.random() < 0.4:
            loinc, title = rng.choice(DOC_TYPES)
            enc_id, (y, m, d) = rng.choice(encounters)
            doc_ref_id = f"doc-{pid}-1"
            ids.append(doc_ref_id)
            resources.append({
                "resourceType": "DocumentReference", "id": doc_ref_id, "meta": META["DocumentReference"],
                "text": narrative(f"{div_name}<p>{title}</p>"),
                "status": "current",
                "type": {"coding": [{"system": LOINC, "code": loinc, "display": title}], "text": title},
                "subject": subject, "date": f"{y}-{m:02d}-{d:02d}T17:00:00+09:00",
                "author": [ref("Practitioner", doc_id, doc_name)],
                "custodian": ref("Organization", HOSPITAL_ID),
                "description": f"{doc_name}医師作成の{title}（{wareki(y, m, d, 0)}）",
                "content": [{"attachment": {"contentType": "text/plain", "language": "ja",
                                            "title": f"{fam}{giv}様_{title}_{y}{m:02d}{d:02d}.txt",
                                            "creation": f"{y}-{m:02d}-{d:02d}"}}],
                "context": {"encounter": [ref("Encounter", enc_id)]},
            })

        values = {
            "patient_id": pid, "resource_ids": ids,
            "identifiers": [{"system": PATIENT_ID_SYSTEM + self.facility, "value": pid}],
            "name": {"kanji": name_text, "kana": kana_text, "family": fam, "given": giv,
                     "family_kana": fam_kana, "given_kana": giv_kana,
                     "written_forms": [name_text, kana_text, fam + giv, fam_kana + giv_kana]},
            "gender": gender, "birth_date": birth, "birth_date_forms": birth_forms,
            "phones": phones, "email": email,
            "address": {"text": address_text, "line": lines, "city": city, "state": pref, "postal_code": postal},
            "relatives": [{"relationship": rel_text, "name": rel_name, "family": rel_fam, "given": rel_giv,
                           "phone": rel_phone}],
            "insurance": {"symbol": symbol, "number": number, "sub_number": sub, "member_id": member_id,
                          "subscriber_id": f"{symbol}:{number}", "insurer_number": insurer},
            "doctor": {"id": doc_id, "name": doc_name},
        }
        return resources, values

    def clinical_note(self, fam, giv, name_text, kana_text, age, gender, rel_text, rel_name, rel_phone,
                      phone, doc, disease, symptom, ymd, birth_forms):
        """A progress note naming the patient, a relative and a doctor."""
        rng = self.rng
        y, m, d = ymd
        when = wareki(y, m, d, rng.randrange(2)) if rng.random() < 0.5 else f"{y}/{m}/{d}"
        patient = rng.choice((f"{name_text}様", f"{fam}{giv}さん", f"{fam}様", f"{name_text}氏", f"患者{kana_text}様"))
        sex = "男性" if gender == "male" else "女性"
        template = rng.randrange(6)
        if template == 0:
            return (f"{when}初診。{patient}、{age}歳{sex}。{symptom}を主訴に来院。{disease}と診断し{doc}医師が加療開始。"
                    f"{rel_text}の{rel_name}さんが付き添い。")
        if template == 1:
            return (f"{patient}、{disease}で通院中。本日は{rel_text}（{rel_name}様）同伴で来院。"
                    f"次回{rng.randrange(2, 9)}週後に{doc}先生の外来を予約。")
        if template == 2:
            return (f"{rel_name}様（{rel_text}）より電話あり（{rel_phone}）。{patient}の服薬状況について相談あり、"
                    f"{doc}医師へ報告済み。")
        if template == 3:
            return (f"{rng.choice(birth_forms[1:])}生の{patient}。{disease}につき{doc}先生より紹介。"
                    f"緊急連絡先：{rel_text} {rel_name} {rel_phone}。")
        if template == 4:
            return (f"経過良好。{patient}に{doc}より今後の治療方針を説明し、{rel_text}の{rel_name}氏も同席の上で同意を得た。"
                    f"（{when}）")
        return (f"{when}再診。{disease}の増悪なし。検査結果は自宅（{phone}）へ連絡予定、"
                f"不在時は{rel_text}の{rel_name}様へ。担当：{doc}。{patient}本人も了承。")

    def shared_resources(self):
        out = [{
            "resourceType": "Organization", "id": HOSPITAL_ID, "meta": META["Organization"],
            "text": narrative(f"<p>{HOSPITAL_NAME}</p>"), "active": True,
            "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type",
                                  "code": "prov"}]}],
            "name": HOSPITAL_NAME,
            "telecom": [{"system": "phone", "value": "03-0000-1234", "use": "work"}],
        }]
        for org_id, number, name in self.payers:
            out.append({
                "resourceType": "Organization", "id": org_id, "meta": META["Organization"],
                "text": narrative(f"<p>{name}</p>"), "active": True,
                "identifier": [{"system": INSURER_SYSTEM, "value": number}],
                "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type",
                                      "code": "pay"}]}],
                "name": name,
            })
        for doc_id, fam, giv, fam_kana, giv_kana in self.doctors:
            out.append({
                "resourceType": "Practitioner", "id": doc_id, "meta": META["Practitioner"],
                "text": narrative(f"<p>{fam} {giv} 医師</p>"), "active": True,
                "name": [{"extension": IDE, "use": "official", "text": f"{fam} {giv}", "family": fam, "given": [giv]},
                         {"extension": SYL, "use": "official", "text": f"{fam_kana} {giv_kana}",
                          "family": fam_kana, "given": [giv_kana]}],
            })
        return out

    def shared_values(self):
        return {
            "practitioners": [{"id": i, "name": f"{f} {g}", "kana": f"{fk} {gk}", "family": f, "given": g}
                              for i, f, g, fk, gk in self.doctors],
            "organizations": [{"id": HOSPITAL_ID, "name": HOSPITAL_NAME}]
            + [{"id": i, "name": n, "insurer_number": num} for i, num, n in self.payers],
        }

    def fhir_uuid(self, reference):
        return "urn:uuid:" + str(uuid.uuid5(self.uuid_ns, reference))

    def with_uuid_references(self, value):
        if isinstance(value, dict):
            return {k: (self.fhir_uuid(v) if k == "reference" and isinstance(v, str)
                        else self.with_uuid_references(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.with_uuid_references(v) for v in value]
        return value


class Sink:
    """Writes resources to the NDJSON and/or Bundle outputs through one seeded shuffle window."""

    def __init__(self, gen, ndjson, bundle, window, seed):
        self.gen, self.ndjson, self.bundle = gen, ndjson, bundle
        self.window = window
        self.pool = []
        self.rng = random.Random(seed * 7 + 3)
        self.bytes = 0
        self.count = 0
        self.buf = []
        self.bundle_buf = []
        if bundle:
            bundle.write(('{"resourceType":"Bundle","id":"' + str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
                          + '","type":"collection","entry":[\n').encode())

    def push(self, resource):
        pool = self.pool
        pool.append(resource)
        if len(pool) > self.window:
            k = self.rng.randrange(len(pool))
            pool[k], pool[-1] = pool[-1], pool[k]
            self.emit(pool.pop())

    def emit(self, resource):
        if self.ndjson:
            line = (DUMPS(resource) + "\n").encode()
            self.bytes += len(line)
            self.buf.append(line)
        if self.bundle:
            full_url = self.gen.fhir_uuid(f"{resource['resourceType']}/{resource['id']}")
            entry = DUMPS({"fullUrl": full_url, "resource": self.gen.with_uuid_references(resource)})
            self.bundle_buf.append(entry if self.count == 0 else ",\n" + entry)
        self.count += 1
        if self.count % 4096 == 0:
            self.flush()

    def flush(self):
        if self.buf:
            self.ndjson.write(b"".join(self.buf))
            self.buf = []
        if self.bundle_buf:
            self.bundle.write("".join(self.bundle_buf).encode())
            self.bundle_buf = []

    def finish(self, tail):
        self.rng.shuffle(self.pool)
        for r in self.pool:
            self.emit(r)
        self.pool = []
        for r in tail:
            self.emit(r)
        self.flush()
        if self.bundle:
            self.bundle.write(b"\n]}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--patients", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", help="NDJSON output file, one resource per line ('-' for stdout)")
    ap.add_argument("--bundle", help="the same resources as one Bundle (JSON)")
    ap.add_argument("--values", help="JSON file of every identifying value, per patient")
    ap.add_argument("--target-bytes", type=int,
                    help="generate patients until the NDJSON reaches this many bytes (needs --out; ignores --patients)")
    ap.add_argument("--window", type=int, default=256,
                    help="shuffle window in resources: how far one patient's resources scatter")
    args = ap.parse_args()
    if not (args.out or args.bundle or args.values):
        ap.error("give at least one of --out, --bundle, --values")
    if args.target_bytes is not None and not args.out:
        ap.error("--target-bytes measures the NDJSON output: give --out")

    gen = Generator(args.seed)
    ndjson = (sys.stdout.buffer if args.out == "-" else open(args.out, "wb")) if args.out else None
    bundle = open(args.bundle, "wb") if args.bundle else None
    values = open(args.values, "w", encoding="utf-8") if args.values else None
    sink = Sink(gen, ndjson, bundle, args.window, args.seed)
    if values:
        values.write('{"seed":%d,"facility_code":"%s","patient_identifier_system":"%s","patients":[\n'
                     % (args.seed, gen.facility, PATIENT_ID_SYSTEM + gen.facility))
    index = 0
    while (sink.bytes < args.target_bytes) if args.target_bytes is not None else (index < args.patients):
        resources, patient_values = gen.patient(index)
        # Most Patients go out at once, ahead of their own resources; the rest go through the
        # window like everything else and so usually land after something that references them.
        first = 0
        if sink.rng.random() < 0.6:
            sink.emit(resources[0])
            first = 1
        for r in resources[first:]:
            sink.push(r)
        if values:
            values.write(("" if index == 0 else ",\n") + DUMPS(patient_values))
        index += 1
    sink.finish(gen.shared_resources())
    if values:
        shared = DUMPS(gen.shared_values())
        values.write("\n]," + shared[1:] + "\n")
        values.close()
    if ndjson and ndjson is not sys.stdout.buffer:
        ndjson.close()
    if bundle:
        bundle.close()
    print(f"{index} patients, {sink.count} resources, {sink.bytes} NDJSON bytes", file=sys.stderr)


if __name__ == "__main__":
    main()

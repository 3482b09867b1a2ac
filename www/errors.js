// Messages for people: a DeidError's code (and row, column, line, policy path) as a sentence
// saying what happened and what to do, and the core's English warnings and rejection reasons in
// Japanese where their pattern is known. The core's own message is kept as the detail.
import { t, getLang } from "./i18n.js";

/** {text, detail} for an error object from the worker (or the page). */
export function describeError(error) {
  const message = String(error?.message ?? error ?? "");
  const code = error?.code ?? "error";
  const where = [];
  const line = /\(line (\d+)\)/.exec(message)?.[1];
  if (error?.row) where.push(t("error.row", { row: error.row }));
  else if (line) where.push(t("error.line", { line }));
  if (error?.column) where.push(t("error.column", { column: error.column }));
  let text;
  switch (code) {
    case "policy": {
      const path = /^policy (\/\S*):/.exec(message)?.[1];
      if (/needs the site key/.test(message)) text = t("error.policyKey");
      else text = path ? t("error.policy", { path }) : t("error.policyDoc");
      break;
    }
    case "input":
      text = /quoted field is not closed/.test(message) ? t("error.inputQuote") : t("error.input");
      break;
    case "key_file": case "unmappable": case "token_table": case "finished": case "invalid_argument":
    case "random": case "no_key": case "read": case "planJson":
      text = t(`error.${code}`);
      break;
    default:
      text = error?.name === "NotReadableError" || error?.name === "NotFoundError" ? t("error.read") : t("error.other");
  }
  const place = where.length ? t("error.where", { where: where.join(getLang() === "ja" ? "、" : ", ") }) : "";
  // For input errors the place comes first: "3行目: …" reads naturally in both languages.
  const full = code === "input" && place ? `${where.join(", ")}: ${text}` : `${text}${place}`;
  return { text: full, detail: message };
}

// The core's English warnings (report.warnings), matched by pattern.
const WARNINGS = [
  [/^column "(.+)" is not named in the policy and was dropped$/,
    (m) => `列「${m[1]}」は計画に記載がないため削除しました。`],
  [/^the policy names column "(.+)", which the file does not have$/,
    (m) => `計画にある列「${m[1]}」はこのファイルにありません。`],
  [/^column "(.+)" is kept but (\d+) of (\d+) sampled values look like (.+)$/,
    (m) => `列「${m[1]}」はそのまま出力しましたが、調べた ${m[3]} 件のうち ${m[2]} 件が個人を識別できる値（${m[4]}）に見えます。処理を見直してください。`],
  [/^column "(.+)" needs review: detected as (.+?) \((\d+)%\)/,
    (m) => `列「${m[1]}」は要確認です（${m[2]}、確からしさ ${m[3]}%）。`],
  [/^the file has a header but no data rows$/, () => "ファイルには見出し行だけがあり、データ行がありません。"],
  [/^(\d+) rows were rejected/, (m) => `${m[1]} 行を除外しました。下の一覧で行と理由を確認してください。`],
];

// The core's English rejection reasons (report.rejected[].reason).
const REASONS = [
  [/^not a number$/, () => "数値ではありません"],
  [/^not a 7-digit postal code$/, () => "7桁の郵便番号ではありません"],
  [/^no (.+) found in the address$/, (m) => `住所から${{ prefecture: "都道府県", municipality: "市区町村", ward: "区" }[m[1]] ?? m[1]}を読み取れません`],
  [/^no patient ID to shift this row's dates by$/, () => "日付をずらすための患者IDが空です"],
  [/^date out of range after shifting$/, () => "ずらした後の日付が範囲外です"],
  [/^birth date after the reference date$/, () => "生年月日が基準日より後です"],
  [/^the row has (\d+) fields; the header has (\d+)$/, (m) => `列の数が ${m[1]} で、見出し行の ${m[2]} と合いません`],
  [/^not a date$/, () => "日付として読み取れません"],
  [/^two-digit year is ambiguous/, () => "西暦2桁の年は世紀が分かりません"],
  [/^no such month/, () => "存在しない月です"],
  [/^no such day/, () => "存在しない日です"],
  [/^no year 0 in an era/, () => "元号の0年はありません（最初の年は元年）"],
  [/^unknown era code/, () => "元号のコードが不明です"],
];

function translate(list, text) {
  if (getLang() !== "ja") return text;
  for (const [re, make] of list) {
    const m = re.exec(text);
    if (m) return make(m) ?? text;
  }
  return text;
}

export const warningText = (w) => translate(WARNINGS, w);
export const reasonText = (r) => translate(REASONS, r);

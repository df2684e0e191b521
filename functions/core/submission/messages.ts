// Every user-visible sentence of validation, in one place so the wording stays
// consistent: Chinese first, English second; each says what is wrong AND what to
// enter instead. A message is a place ("抽查明细 D12「统一社会信用代码」") plus a body.
import { DEPARTMENTS } from '../catalog';
import type { Lang } from '../model';
import type { CreditCodeProblem } from './credit-code';

/** Where an issue sits, as the user sees it. */
export interface Place {
  sheetZh?: string;
  sheetEn?: string;
  row?: number;
  cell?: string;
  headerZh?: string; // header text as in the file
  headerEn?: string; // the column's English name
}

export function placed(place: Place, body: Lang): Lang {
  if (place.sheetZh === undefined) return body;
  const sheetEn = place.sheetEn ?? place.sheetZh;
  if (place.row === undefined) {
    return { zh: `工作表「${place.sheetZh}」：${body.zh}`, en: `Sheet "${sheetEn}": ${body.en}` };
  }
  if (place.cell === undefined) {
    return { zh: `${place.sheetZh} 第${place.row}行：${body.zh}`, en: `${sheetEn} row ${place.row}: ${body.en}` };
  }
  const hz = place.headerZh ? `「${place.headerZh}」` : '';
  const he = place.headerEn ? ` (${place.headerEn})` : '';
  return { zh: `${place.sheetZh} ${place.cell}${hz}：${body.zh}`, en: `${sheetEn} ${place.cell}${he}: ${body.en}` };
}

const list = (xs: string[]): string => xs.join(' / ');

/** A department as the office names it: 区建设管理委 (construction). */
function dept(code: string): Lang {
  const d = DEPARTMENTS.find((x) => x.code === code);
  return d ? { zh: `${d.name}（${code}）`, en: `${d.nameEn} (${code})` } : { zh: code, en: code };
}
const show = (v: unknown): string => {
  const s = String(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
};

export const say = {
  // ---- file level
  missingContext: (missing: ('department' | 'period')[]): Lang => ({
    zh: `无法确定${missing.map((m) => (m === 'department' ? '填报单位' : '统计期')).join('和')}，请在封面填写${missing
      .map((m) => (m === 'department' ? '“填报单位”' : '“统计期”（如 2026-Q1）'))
      .join('和')}，或在命令中指定 ${missing.map((m) => `--${m}`).join(' ')}`,
    en: `cannot tell the ${missing.join(' and the ')}: fill in ${missing
      .map((m) => (m === 'department' ? '"Department"' : '"Period" (e.g. 2026-Q1)'))
      .join(' and ')} on the cover sheet, or pass ${missing.map((m) => `--${m}`).join(' ')}`,
  }),
  unknownDepartmentContext: (text: string): Lang => ({
    zh: `未知的填报单位“${show(text)}”，请使用部门代码（如 market-regulation）或登记的部门名称`,
    en: `unknown department "${show(text)}": use a department code (e.g. market-regulation) or a registered name`,
  }),
  badPeriodContext: (text: string): Lang => ({
    zh: `无法识别的统计期“${show(text)}”，请写作 2026-Q1 或 2026年第1季度`,
    en: `period "${show(text)}" not recognised: write it as 2026-Q1 or 2026年第1季度`,
  }),
  periodNotStarted: (period: string, start: string, today: string): Lang => ({
    zh: `统计期 ${period} 尚未开始（${start} 开始，今天是 ${today}），请检查统计期，本季度及以前的数据才能报送`,
    en: `period ${period} has not started yet (it starts on ${start}; today is ${today}): check the period; only the current quarter or earlier can be submitted`,
  }),
  periodBeforePlan: (period: string, planName: string, first: string, opening: string): Lang => ({
    zh: `统计期 ${period} 早于${planName}（${first} 起），不再受理；规划期开始前仍有效的证书请作为 ${opening} 的认证明细报送（开局台账）`,
    en: `period ${period} lies before the plan (from ${first}) and is not accepted; certificates valid at the plan's start are reported once as ${opening} 认证明细 (the opening ledger)`,
  }),
  sheetNotSent: (department: Lang, sends: Lang[]): Lang => ({
    zh: `${department.zh}不报送此类工作表，本表未读取；${sends.length ? `本部门报送的工作表为：${sends.map((s) => s.zh).join('、')}` : '本部门无需报送数据表'}`,
    en: `${department.en} does not send this kind of sheet, so it was not read; ${sends.length ? `your department sends: ${sends.map((s) => s.en).join(', ')}` : 'your department sends no data sheets'}`,
  }),
  openingLedgerOnly: (opening: string): Lang => ({
    zh: `${opening} 是开局台账季度，只接受认证明细（规划期开始时仍有效的证书），本表未读取；其他数据请报送到规划期内的季度`,
    en: `${opening} is the opening-ledger quarter and takes 认证明细 (certificates valid at the plan's start) only; this sheet was not read: report other data for a quarter of the plan`,
  }),
  noKnownSheet: (): Lang => ({
    zh: '未找到可识别的工作表：工作表须命名为 封面、指标、抽查明细、认证明细 或 竣工验收，请使用本部门的报送模板',
    en: 'no known sheet: sheets must be named Cover, Indicators, Inspections, Certifications or Acceptances (or their Chinese names); use your department’s template',
  }),
  noData: (): Lang => ({
    zh: '工作簿中没有任何数据行（可能上传了空白模板）；请填写本季度数据后重新上传，当前已接受的版本保持不变',
    en: 'the workbook holds no data rows (a blank template?); fill in this quarter’s data and upload again — the version accepted before stays current',
  }),
  fileCorrupt: (): Lang => ({
    zh: '文件已损坏或无法读取，请用 Excel 或 WPS 打开后另存为 .xlsx 再上传',
    en: 'the file is damaged or cannot be read: open it in Excel or WPS, save it as .xlsx and upload it again',
  }),
  tooManyIssues: (more: number): Lang => ({
    zh: `另有 ${more} 个问题未列出，请先改正上面列出的问题后重新校验`,
    en: `${more} more issues are not listed: fix the ones above and validate again`,
  }),

  // ---- sheet level
  unknownSheet: (): Lang => ({
    zh: '无法识别的工作表，已忽略：可识别的工作表为 封面、指标、抽查明细、认证明细、竣工验收',
    en: 'unknown sheet, ignored: known sheets are Cover, Indicators, Inspections, Certifications, Acceptances',
  }),
  noHeader: (headersZh: string[], headersEn: string[]): Lang => ({
    zh: `未找到表头行，请在数据上方保留模板的表头（${list(headersZh)}）`,
    en: `no header row found: keep the template’s header row above the data (${list(headersEn)})`,
  }),
  missingColumn: (zh: string, en: string): Lang => ({
    zh: `缺少必填列“${zh}”，请按模板添加该列（表头写作“${zh}”）`,
    en: `required column "${en}" (${zh}) is missing: add it as in the template`,
  }),

  // ---- header cells
  unknownColumn: (): Lang => ({
    zh: '无法识别的列，已忽略，请使用模板中的表头',
    en: 'unknown column, ignored: use the template’s headers',
  }),
  duplicateColumn: (firstCell: string): Lang => ({
    zh: `与 ${firstCell} 列重复，已忽略，请删除重复的列`,
    en: `repeats the column at ${firstCell} and is ignored: delete the repeated column`,
  }),

  // ---- cells
  required: (help?: Lang): Lang => {
    // the column's help says "必填；…" / "Required; …": keep only the part that helps
    const zh = help?.zh.replace(/^必填[；;，,]?/, '') ?? '';
    const en = help?.en.replace(/^Required[;,]?\s*/i, '') ?? '';
    return {
      zh: `必填项为空，请填写${zh ? `：${zh}` : ''}`,
      en: `required but empty: fill it in${en ? ` (${en})` : ''}`,
    };
  },
  formulaError: (text: string): Lang => ({
    zh: `公式计算出错（${show(text)}），请修正公式或直接填写数值`,
    en: `the formula gives an error (${show(text)}): fix the formula or enter the value`,
  }),
  formulaNoValue: (): Lang => ({
    zh: '公式没有计算结果（文件未经 Excel 重新计算保存），请在 Excel/WPS 中打开并保存后再上传，或直接填写数值',
    en: 'the formula has no computed value (the file was not recalculated): open and save it in Excel/WPS, or enter the value',
  }),
  invalidNumber: (): Lang => ({
    zh: '不是数字，请只填写数字，如 120 或 1,250.5，不要带文字或单位',
    en: 'not a number: enter digits only, e.g. 120 or 1,250.5, without words or units',
  }),
  notWhole: (): Lang => ({
    zh: '应为整数，请填写整数个数，如 12',
    en: 'must be a whole number: enter a count such as 12',
  }),
  invalidPercent: (): Lang => ({
    zh: '百分比格式不正确，请只填写数字，如 96.5 或 96.5%，不要填写“95%以上”等文字',
    en: 'not a percentage: enter the number only, e.g. 96.5 or 96.5%, not text such as “95%以上”',
  }),
  ambiguousFraction: (v: number): Lang => ({
    zh: `${v} 无法确定是 ${v}% 还是 ${round(v * 100)}%：百分比请填写 ${round(v * 100)} 或 ${round(v * 100)}%`,
    en: `${v} could mean ${v}% or ${round(v * 100)}%: enter percentages as ${round(v * 100)} or ${round(v * 100)}%`,
  }),
  percentAbove100: (): Lang => ({
    zh: '百分比不能大于 100，请填写 0 到 100 之间的数，如 96.5',
    en: 'a percentage cannot exceed 100: enter a number from 0 to 100, e.g. 96.5',
  }),
  negative: (): Lang => ({
    zh: '不能为负数，请填写 0 或正数',
    en: 'cannot be negative: enter 0 or a positive number',
  }),
  notPositive: (): Lang => ({
    zh: '必须大于 0，请填写正数',
    en: 'must be greater than 0: enter a positive number',
  }),
  invalidDate: (): Lang => ({
    zh: '不是有效日期，请填写真实日期，如 2026-03-05、2026/3/5 或 2026年3月5日',
    en: 'not a valid date: enter a real date such as 2026-03-05, 2026/3/5 or 2026年3月5日',
  }),
  dateOutsidePeriod: (iso: string, period: string, start: string, end: string): Lang => ({
    zh: `日期 ${iso} 不在统计期 ${period}（${start} 至 ${end}）内，请填写本季度内的日期，或将该行报送到对应季度`,
    en: `${iso} is outside the period ${period} (${start} to ${end}): enter a date inside the quarter, or report the row for its own quarter`,
  }),
  invalidEnum: (zh: string[], en: string[]): Lang => ({
    zh: `不是可选值，请填写 ${list(zh)} 之一`,
    en: `not an accepted value: enter one of ${list(en)}`,
  }),
  invalidText: (length: number, max: number): Lang => ({
    zh: `内容过长（${length} 个字符），请精简到 ${max} 个字符以内`,
    en: `too long (${length} characters): shorten it to at most ${max}`,
  }),
  creditCode: (p: CreditCodeProblem | { reason: 'number' }): Lang => {
    const tail = { zh: '请核对18位统一社会信用代码', en: 'check the 18-character unified social credit code' };
    switch (p.reason) {
      case 'length':
        return { zh: `长度为 ${p.length} 位，应为18位，${tail.zh}`, en: `${p.length} characters instead of 18; ${tail.en}` };
      case 'character':
        return {
          zh: `第${p.position}位“${p.char}”不是允许的字符（只允许数字和除 I、O、Z、S、V 以外的大写字母），${tail.zh}`,
          en: `character ${p.position} "${p.char}" is not allowed (digits and capital letters except I, O, Z, S, V); ${tail.en}`,
        };
      case 'check-digit':
        return { zh: `校验位错误（应为 ${p.expected}），${tail.zh}`, en: `wrong check digit (expected ${p.expected}); ${tail.en}` };
      case 'number':
        return {
          zh: `以数字格式保存，已丢失精度，请将单元格设为文本后重新填写，${tail.zh}`,
          en: `stored as a number, which loses digits: format the cell as text and enter it again; ${tail.en}`,
        };
    }
  },
  duplicate: (what: Lang, firstRow: number, firstSheet?: string): Lang => ({
    zh: `${what.zh}重复，与${firstSheet ? `工作表「${firstSheet}」` : ''}第${firstRow}行相同：每个${what.zh}只能出现一次，请删除或更正重复行`,
    en: `duplicate ${what.en}, the same as row ${firstRow}${firstSheet ? ` of sheet "${firstSheet}"` : ''}: each ${what.en} may appear once; delete or correct the repeat`,
  }),
  notBuildingMaterial: (materials: string[]): Lang => ({
    zh: `该产品类别不属于建筑材料，将计入制造业产品抽查合格率；本部门报送的是建筑材料抽查，请从下拉列表选择：${list(materials)}`,
    en: `this category is not a building material and will count towards the manufacturing spot-check rate; your department reports building-material checks: choose one of ${list(materials)}`,
  }),
  failedItemsMissing: (): Lang => ({
    zh: '检验结论为不合格时必须填写不合格项目，请填写不合格的检验项目',
    en: 'failed items are required when the result is fail: enter the items that failed',
  }),
  productRequired: (): Lang => ({
    zh: '“上海品牌”认证必须填写产品或服务名称，请填写获证的产品或服务',
    en: 'the product or service is required for Shanghai Brand: enter the certified product or service',
  }),
  issuedAfterPeriod: (iso: string, period: string, end: string): Lang => ({
    zh: `发证日期 ${iso} 晚于统计期 ${period} 的截止日 ${end}，请核对日期，或在下一季度报送该证书`,
    en: `issued on ${iso}, after the end of ${period} (${end}): check the date, or report the certificate next quarter`,
  }),
  expiryBeforeIssue: (expires: string, issued: string): Lang => ({
    zh: `有效期至 ${expires} 不晚于发证日期 ${issued}，请核对有效期`,
    en: `expires ${expires}, not after the issue date ${issued}: check the expiry date`,
  }),
  certificateExpired: (expires: string, end: string): Lang => ({
    zh: `证书已于 ${expires} 过期（统计期末 ${end}），不计入存量：如已续期请更新有效期，否则请将状态改为相应状态`,
    en: `the certificate expired on ${expires}, before the period’s end (${end}), and is not counted: update the expiry if renewed, or change its status`,
  }),
  unknownIndicator: (codes: string[]): Lang => ({
    zh: `不是本规划的指标代码，请从下拉列表选择，可填写的代码为 ${list(codes)}`,
    en: `not an indicator code of the plan: pick one from the list: ${list(codes)}`,
  }),
  indicatorNotOwned: (department: string, codes: string[]): Lang => ({
    zh: `该指标不由${dept(department).zh}报送，请删除该行${codes.length ? `，本部门可报送 ${list(codes)}` : ''}`,
    en: `this indicator is not reported by ${dept(department).en}: delete the row${codes.length ? `; you may report ${list(codes)}` : ''}`,
  }),
  nameMismatch: (expected: string): Lang => ({
    zh: `指标名称与代码不符，应为“${expected}”，请核对指标代码和名称`,
    en: `the name does not match the code; expected "${expected}": check the code and the name`,
  }),
  unitMismatch: (expected: string[]): Lang => ({
    zh: `单位与指标不符：该指标的单位为 ${list(expected)}，请修改单位或留空`,
    en: `wrong unit: this indicator is measured in ${list(expected)}; correct it or leave it empty`,
  }),
  numeratorExceeds: (n: number, d: number): Lang => ({
    zh: `分子 ${n} 大于分母 ${d}，请核对分子和分母`,
    en: `numerator ${n} exceeds denominator ${d}: check both`,
  }),
  valueOrFraction: (): Lang => ({
    zh: '数值为空，请填写数值，或同时填写分子和分母（自动计算）',
    en: 'no value: enter the value, or both numerator and denominator to have it computed',
  }),
  valueMismatch: (value: number, computed: number): Lang => ({
    zh: `数值 ${value} 与 分子/分母 计算结果 ${computed} 相差超过 0.05 个百分点，请核对数值、分子和分母`,
    en: `value ${value} differs from numerator/denominator = ${computed} by more than 0.05 points: check the three`,
  }),
  derivedMismatch: (value: number, derived: number, source: Lang, passed: string, total: string): Lang => ({
    zh: `填报值 ${value} 与本次报送${source.zh}计算出的 ${derived}（${passed}/${total}）相差超过 0.05 个百分点，请核对指标值或明细`,
    en: `reported ${value} differs from ${derived} (${passed}/${total}) computed from this submission’s ${source.en} by more than 0.05 points: check the value or the rows`,
  }),
  valueMissing: (name: string): Lang => ({
    zh: `「${name}」未填数值，本季度该指标将记为无数据；如有数据请填写数值（或分子和分母）后重新上传`,
    en: `no value for "${name}": the indicator will have no data this quarter; enter the value (or numerator and denominator) and upload again`,
  }),
  indicatorMissing: (def: { code: string; name: string; nameEn: string }, department: Lang, period: string): Lang => ({
    zh: `本次报送缺少${department.zh}负责的指标「${def.name}」（${def.code}），${period} 该指标将记为无数据；请补报`,
    en: `this submission leaves out ${def.nameEn} (${def.code}), which ${department.en} reports: it will have no data for ${period}; add it`,
  }),
  noStoredLedger: (): Lang => ({
    zh: '未连接已入库的数据（本地数据目录或已部署的系统），存量指标未与证书台账核对；入库时将核对',
    en: 'no stored data at hand (a local data directory or a deployed stack): stock values were not checked against the certificate ledger; they will be when submitted',
  }),
  ledgerBelowBaseline: (name: string, counted: number, end: string, baseline: number, first: string, opening: string): Lang => ({
    zh: `证书台账中截至 ${end} 计入「${name}」的有效证书为 ${counted} 个，低于规划基数 ${baseline}：规划期开始（${first}）前已获得且仍有效的证书须作为 ${opening} 的认证明细报送一次（开局台账），请补报`,
    en: `the certificate ledger counts ${counted} valid certificates for ${name} at ${end}, below the plan's baseline of ${baseline}: certificates held before the plan began (${first}) and still valid are reported once as ${opening} 认证明细 (the opening ledger); add them`,
  }),
  stockMismatch: (value: number, counted: number): Lang => ({
    zh: `填报值 ${value} 与证书台账统计数 ${counted} 不一致：将采用台账统计数 ${counted}；如有遗漏请在认证明细中补报证书`,
    en: `reported ${value} differs from the certificate ledger’s count ${counted}; the ledger’s count will be used. Report missing certificates on the Certifications sheet`,
  }),
  invalidRating: (ratings: string[]): Lang => ({
    zh: `不是可选的评价等级，请填写 ${list(ratings)} 之一，并在备注中写明依据`,
    en: `not an accepted rating: enter one of ${list(ratings)} (leading / advanced / ordinary) with the evidence in the note`,
  }),
  coverMismatch: (what: 'department' | 'period', cover: string, given: string): Lang =>
    what === 'department'
      ? {
          zh: `封面填报单位“${show(cover)}”与报送单位${dept(given).zh}不一致，请更正封面，或上传到本部门的目录`,
          en: `the cover says department "${show(cover)}", but the submission is for ${dept(given).en}: correct the cover or upload under your own department`,
        }
      : {
          zh: `封面统计期“${show(cover)}”与报送统计期 ${given} 不一致，请更正封面，或报送到对应季度`,
          en: `the cover says period "${show(cover)}", but the submission is for ${given}: correct the cover or submit for that quarter`,
        },
  coverDepartment: (): Lang => ({
    zh: '无法识别的填报单位，请填写部门代码或登记的部门名称，如“区市场监管局”',
    en: 'unknown department: enter a department code or registered name, e.g. 区市场监管局 or market-regulation',
  }),
  coverPeriod: (): Lang => ({
    zh: '无法识别的统计期，请写作 2026-Q1 或 2026年第1季度',
    en: 'period not recognised: write it as 2026-Q1 or 2026年第1季度',
  }),
};

function round(x: number): number {
  return Number((x).toPrecision(12));
}

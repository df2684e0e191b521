// The submission workbook's sheets and columns (PRODUCT §5): one description
// used by validation (recognising sheets and headers), by the template writer
// (headers, dropdowns, the 填报说明 sheet) and by the annotated report copy.
import type { RecordKind, SheetKind } from './model';

export type ColumnType =
  | 'text'
  | 'code' // indicator code
  | 'number'
  | 'value' // 数值: number, percent or rating depending on the indicator
  | 'date'
  | 'enum'
  | 'creditCode';

export interface EnumOption {
  value: string; // canonical value stored in records
  zh: string; // what the template's dropdown offers
  en: string;
  synonyms: string[]; // other accepted spellings (compared after normalizeKey)
}

export interface ColumnSpec {
  field: string; // record field name
  zh: string; // header written by the template
  en: string; // English header
  aliases: string[]; // other accepted header texts (compared after normalizeKey)
  type: ColumnType;
  required: boolean; // the column must exist (a missing one is MISSING_COLUMN)
  enum?: EnumOption[];
  help: { zh: string; en: string }; // explained on the template's 填报说明 sheet
  width?: number; // template column width in characters
}

export interface SheetSpec {
  kind: SheetKind;
  zh: string; // sheet name written by the template
  en: string;
  aliases: string[]; // other accepted sheet names
  columns: ColumnSpec[];
}

export const RESULT_OPTIONS: EnumOption[] = [
  { value: 'pass', zh: '合格', en: 'pass', synonyms: ['通过', '符合', 'passed', '合格'] },
  { value: 'fail', zh: '不合格', en: 'fail', synonyms: ['不通过', '不符合', 'failed', '不合格'] },
];

export const LEVEL_OPTIONS: EnumOption[] = [
  { value: 'national', zh: '国家', en: 'national', synonyms: ['国家级', '国抽'] },
  { value: 'municipal', zh: '市', en: 'municipal', synonyms: ['市级', '市抽'] },
  { value: 'district', zh: '区', en: 'district', synonyms: ['区级', '区抽'] },
];

export const YES_NO_OPTIONS: EnumOption[] = [
  { value: 'yes', zh: '是', en: 'yes', synonyms: ['y', 'true'] },
  { value: 'no', zh: '否', en: 'no', synonyms: ['n', 'false'] },
];

export const CERTIFICATION_TYPE_OPTIONS: EnumOption[] = [
  { value: 'shanghai-brand', zh: '上海品牌', en: 'Shanghai Brand', synonyms: ['“上海品牌”', '上海品牌认证'] },
  { value: 'shanghai-standard', zh: '上海标准', en: 'Shanghai Standard', synonyms: ['“上海标准”', '上海标准标识'] },
  { value: 'iso9001', zh: '质量管理体系认证', en: 'ISO 9001', synonyms: ['ISO9001', '质量管理体系认证(ISO 9001)', '质量管理体系'] },
  { value: 'ccc', zh: '强制性产品认证', en: 'CCC', synonyms: ['3C', '强制性产品认证(CCC)', 'CCC认证'] },
  { value: 'green-product', zh: '绿色产品认证', en: 'Green Product', synonyms: ['绿色产品'] },
  { value: 'other', zh: '其他', en: 'Other', synonyms: ['其它'] },
];

export const STATUS_OPTIONS: EnumOption[] = [
  { value: 'valid', zh: '有效', en: 'valid', synonyms: [] },
  { value: 'suspended', zh: '暂停', en: 'suspended', synonyms: ['暂停使用'] },
  { value: 'withdrawn', zh: '撤销', en: 'withdrawn', synonyms: ['已撤销', '注销'] },
];

const creditCode = (required: boolean): ColumnSpec => ({
  field: 'creditCode',
  zh: '统一社会信用代码',
  en: 'Credit code',
  aliases: ['信用代码', 'unified social credit code', 'USCC'],
  type: 'creditCode',
  required,
  help: {
    zh: '18位统一社会信用代码（GB 32100-2015），含校验位，不含空格',
    en: '18-character unified social credit code (GB 32100-2015) with its check digit',
  },
  width: 22,
});

export const SHEETS: SheetSpec[] = [
  {
    kind: 'cover',
    zh: '封面',
    en: 'Cover',
    aliases: [],
    columns: [], // key–value rows, see COVER_KEYS
  },
  {
    kind: 'indicators',
    zh: '指标',
    en: 'Indicators',
    aliases: ['指标数据', '指标表'],
    columns: [
      { field: 'code', zh: '指标代码', en: 'Code', aliases: ['indicator code'], type: 'code', required: true,
        help: { zh: '从下拉列表选择本部门负责的指标代码', en: 'Pick one of your department’s indicator codes from the list' }, width: 40 },
      { field: 'name', zh: '指标名称', en: 'Name', aliases: ['indicator name'], type: 'text', required: false,
        help: { zh: '可选；填写时须与指标代码对应的名称一致', en: 'Optional; if given it must match the code’s name' }, width: 44 },
      { field: 'value', zh: '数值', en: 'Value', aliases: ['本期值'], type: 'value', required: true,
        help: {
          zh: '本期数值。百分比指标填 96.5 或 96.5%；不要填“95%以上”等文字；填写分子和分母时可留空（自动计算）。定性指标填 国内领先 / 国内先进 / 一般，并在备注中写明依据',
          en: 'This quarter’s value. For % indicators enter 96.5 or 96.5%, not text like “95%以上”; may be empty when numerator and denominator are given. For the qualitative indicator enter leading / advanced / ordinary with the evidence in the note',
        }, width: 14 },
      { field: 'numerator', zh: '分子', en: 'Numerator', aliases: [], type: 'number', required: false,
        help: { zh: '可选；非负数，不得大于分母', en: 'Optional; non-negative, not above the denominator' }, width: 10 },
      { field: 'denominator', zh: '分母', en: 'Denominator', aliases: [], type: 'number', required: false,
        help: { zh: '可选；正数', en: 'Optional; a positive number' }, width: 10 },
      { field: 'unit', zh: '单位', en: 'Unit', aliases: [], type: 'text', required: false,
        help: { zh: '可选；须与指标的单位一致（%、个、项、件、名、件/万人）', en: 'Optional; must be the indicator’s unit (%, 个, 项, 件, 名, 件/万人)' }, width: 10 },
      { field: 'note', zh: '备注', en: 'Note', aliases: ['说明'], type: 'text', required: false,
        help: { zh: '可选；定性指标请写明评价依据', en: 'Optional; evidence for the qualitative indicator' }, width: 40 },
    ],
  },
  {
    kind: 'inspections',
    zh: '抽查明细',
    en: 'Inspections',
    aliases: ['抽查明细表', '监督抽查明细', '抽检明细'],
    columns: [
      { field: 'batchId', zh: '批次编号', en: 'Batch ID', aliases: ['批次号', 'batch'], type: 'text', required: true,
        help: { zh: '必填；本次报送内不得重复', en: 'Required; unique within the submission' }, width: 16 },
      { field: 'category', zh: '产品类别', en: 'Category', aliases: ['product category', '类别'], type: 'text', required: true,
        help: { zh: '必填；建筑材料类请填“建筑材料”（计入建筑材料抽查合格率）', en: 'Required; write 建筑材料 for building materials (they feed the building-material pass rate)' }, width: 14 },
      { field: 'enterprise', zh: '受检企业', en: 'Enterprise', aliases: ['企业名称', 'enterprise name', '受检单位'], type: 'text', required: true,
        help: { zh: '必填；受检企业全称', en: 'Required; full name of the inspected enterprise' }, width: 30 },
      creditCode(true),
      { field: 'samplingDate', zh: '抽样日期', en: 'Sampling date', aliases: ['sampled on', 'date', '抽样时间'], type: 'date', required: true,
        help: { zh: '必填；统计期内的日期，如 2026-03-05 或 2026年3月5日', en: 'Required; a date inside the period, e.g. 2026-03-05' }, width: 14 },
      { field: 'level', zh: '抽查级别', en: 'Level', aliases: ['check level'], type: 'enum', required: true, enum: LEVEL_OPTIONS,
        help: { zh: '必填；国家 / 市 / 区', en: 'Required; national / municipal / district' }, width: 10 },
      { field: 'result', zh: '检验结论', en: 'Result', aliases: ['结论', '检验结果', '抽查结果'], type: 'enum', required: true, enum: RESULT_OPTIONS,
        help: { zh: '必填；合格 / 不合格', en: 'Required; pass / fail' }, width: 10 },
      { field: 'failedItems', zh: '不合格项目', en: 'Failed items', aliases: [], type: 'text', required: false,
        help: { zh: '检验结论为不合格时必填', en: 'Required when the result is fail' }, width: 24 },
    ],
  },
  {
    kind: 'certifications',
    zh: '认证明细',
    en: 'Certifications',
    aliases: ['认证明细表', '获证明细'],
    columns: [
      { field: 'type', zh: '认证类型', en: 'Type', aliases: ['certification type'], type: 'enum', required: true, enum: CERTIFICATION_TYPE_OPTIONS,
        help: { zh: '必填；上海品牌 / 上海标准 / 质量管理体系认证 / 强制性产品认证 / 绿色产品认证 / 其他', en: 'Required; Shanghai Brand / Shanghai Standard / ISO 9001 / CCC / Green Product / Other' }, width: 18 },
      { field: 'holder', zh: '获证单位', en: 'Holder', aliases: ['holder name', '获证企业'], type: 'text', required: true,
        help: { zh: '必填；获证单位全称', en: 'Required; full name of the holder' }, width: 30 },
      creditCode(true),
      { field: 'certificateNo', zh: '证书编号', en: 'Certificate no.', aliases: ['certificate number', '证书号'], type: 'text', required: true,
        help: { zh: '必填；同一认证类型内不得重复', en: 'Required; unique per certification type' }, width: 20 },
      { field: 'product', zh: '产品或服务名称', en: 'Product', aliases: ['product or service', '产品名称', '服务名称'], type: 'text', required: false,
        help: { zh: '“上海品牌”必填', en: 'Required for Shanghai Brand' }, width: 24 },
      { field: 'issuedOn', zh: '发证日期', en: 'Issued', aliases: ['issued on', 'issue date'], type: 'date', required: true,
        help: { zh: '必填；不得晚于统计期末', en: 'Required; not after the end of the period' }, width: 14 },
      { field: 'expiresOn', zh: '有效期至', en: 'Expires', aliases: ['expires on', 'expiry date', 'valid until'], type: 'date', required: false,
        help: { zh: '可选（无有效期可留空）；须晚于发证日期', en: 'Optional (empty: no expiry); after the issue date' }, width: 14 },
      { field: 'status', zh: '状态', en: 'Status', aliases: ['证书状态'], type: 'enum', required: false, enum: STATUS_OPTIONS,
        help: { zh: '有效 / 暂停 / 撤销，空白视为有效', en: 'valid / suspended / withdrawn; empty means valid' }, width: 10 },
    ],
  },
  {
    kind: 'acceptances',
    zh: '竣工验收',
    en: 'Acceptances',
    aliases: ['竣工验收明细', '竣工验收表'],
    columns: [
      { field: 'project', zh: '工程名称', en: 'Project', aliases: ['项目名称', 'project name'], type: 'text', required: true,
        help: { zh: '必填；工程全称', en: 'Required; full project name' }, width: 30 },
      { field: 'acceptedOn', zh: '竣工验收日期', en: 'Accepted on', aliases: ['验收日期', 'acceptance date'], type: 'date', required: true,
        help: { zh: '必填；统计期内的日期', en: 'Required; a date inside the period' }, width: 14 },
      { field: 'result', zh: '验收结论', en: 'Result', aliases: ['结论', '验收结果'], type: 'enum', required: true, enum: RESULT_OPTIONS,
        help: { zh: '必填；合格 / 不合格', en: 'Required; pass / fail' }, width: 10 },
      { field: 'green', zh: '绿色建筑', en: 'Green building', aliases: ['是否绿色建筑'], type: 'enum', required: true, enum: YES_NO_OPTIONS,
        help: { zh: '必填；是 / 否', en: 'Required; yes / no' }, width: 10 },
      { field: 'floorArea', zh: '建筑面积(㎡)', en: 'Floor area', aliases: ['建筑面积', '建筑面积(m2)', '建筑面积(平方米)', 'floor area (m2)'], type: 'number', required: true,
        help: { zh: '必填；正数，单位平方米', en: 'Required; a positive number of square metres' }, width: 14 },
    ],
  },
];

/** Cover keys (§5.1): key text → cover field. */
export const COVER_KEYS: { field: 'department' | 'period' | 'preparedBy' | 'phone' | 'date'; zh: string; en: string; aliases: string[] }[] = [
  { field: 'department', zh: '填报单位', en: 'Department', aliases: ['报送单位', '单位'] },
  { field: 'period', zh: '统计期', en: 'Period', aliases: ['统计期间', '报送期', '季度'] },
  { field: 'preparedBy', zh: '填报人', en: 'Prepared by', aliases: ['联系人'] },
  { field: 'phone', zh: '联系电话', en: 'Phone', aliases: ['电话'] },
  { field: 'date', zh: '填报日期', en: 'Date', aliases: ['报送日期'] },
];

/** Sheet names that hold instructions, never data: ignored without a warning. */
export const HELP_SHEET_NAMES = ['填报说明', '说明', 'Instructions', 'Readme'];

/** The sheet kinds that carry records (every sheet but the cover), in the order of SHEETS. */
export const RECORD_KINDS: readonly RecordKind[] = SHEETS.flatMap((s) => (s.kind === 'cover' ? [] : [s.kind]));

export function sheetSpec(kind: SheetKind): SheetSpec {
  return SHEETS.find((s) => s.kind === kind)!;
}

// Every word of the portal, Chinese first, English beside, and the formatting
// of quarters, dates and sizes. Words for codes the rest of qtrack shares
// (alert types, severities, issue codes) come from the core's labels.
import type { Lang } from '../../functions/core/model';
import { localDateTime, parsePeriod } from '../../functions/core/periods';
import type { PortalState } from './types';

export const T = {
  appName: { zh: '长宁区质量数据报送', en: 'Changning quality data' },
  appSub: { zh: '长宁区质量和标准化工作联席会议办公室', en: 'Changning District quality office' },
  skip: { zh: '跳到正文', en: 'Skip to content' },
  loading: { zh: '正在加载…', en: 'Loading…' },
  retry: { zh: '重试', en: 'Try again' },
  close: { zh: '关闭', en: 'Close' },
  all: { zh: '全部', en: 'all' },

  // sign in
  signInTitle: { zh: '登录', en: 'Sign in' },
  signInIntro: {
    zh: '请用质量办为您开通的账号登录。部门填报人登录后可下载模板、检查并上传本部门的季度数据；质量办可查看各部门的报送情况、预警和季度汇总。',
    en: 'Sign in with the account the quality office gave you. A department’s clerk downloads the template, checks and uploads the quarter’s data; the office sees every department’s submissions, the alerts and the quarterly summaries.',
  },
  email: { zh: '电子邮箱', en: 'E-mail' },
  password: { zh: '密码', en: 'Password' },
  signIn: { zh: '登录', en: 'Sign in' },
  signingIn: { zh: '正在登录…', en: 'Signing in…' },
  signOut: { zh: '退出登录', en: 'Sign out' },
  signedOut: { zh: '您已退出登录', en: 'You have signed out' },
  expired: { zh: '登录已过期或无效，请重新登录', en: 'Your sign-in has expired or is not valid: sign in again' },
  badCredentials: { zh: '邮箱或密码不正确，请重新输入', en: 'The e-mail or password is not right: type them again' },
  missingCredentials: { zh: '请填写邮箱和密码', en: 'Enter your e-mail and password' },
  newPasswordTitle: { zh: '设置新密码', en: 'Set a new password' },
  newPasswordIntro: {
    zh: '这是您第一次登录（或管理员重置了密码），请设置自己的新密码：通常至少 8 位，含大写字母、小写字母和数字。',
    en: 'This is your first sign-in (or the administrator reset your password): choose your own new password, usually at least 8 characters with upper case, lower case and a digit.',
  },
  newPassword: { zh: '新密码', en: 'New password' },
  confirmPassword: { zh: '再次输入新密码', en: 'New password again' },
  setPassword: { zh: '设置新密码并登录', en: 'Set the password and sign in' },
  passwordsDiffer: { zh: '两次输入的新密码不一致', en: 'The two new passwords differ' },
  passwordPolicy: { zh: '新密码不符合密码规则（通常至少 8 位，含大写字母、小写字母和数字）', en: 'The new password does not meet the password rules (usually at least 8 characters, upper case, lower case and a digit)' },
  tooManyTries: { zh: '尝试次数过多，请稍后再试', en: 'Too many attempts: try again later' },
  resetRequired: { zh: '该账号需要重置密码，请联系质量办管理员', en: 'This account needs a password reset: ask the office administrator' },
  signInFailed: { zh: '登录失败', en: 'Sign-in failed' },

  // errors
  network: { zh: '无法连接服务器，请检查网络后重试', en: 'Cannot reach the server: check the network and try again' },
  unreadable: {
    zh: '系统无法读取这个文件，上传后也只会被退回；请按上表的处理办法修改后重新选择文件。',
    en: 'qtrack cannot read this file, so an upload would only be rejected: do what the table says, then choose the file again.',
  },
  reportUnreadable: {
    zh: '该版本的校验报告暂时无法读取，请稍后重试；如仍不行请告知质量办',
    en: 'This version’s report cannot be read just now: try again later, and tell the office if it keeps failing',
  },
  serverError: { zh: '服务器出错，请稍后重试；如仍不行请告知质量办', en: 'The server failed: try again later, and tell the office if it keeps failing' },
  configMissing: {
    zh: '无法读取门户配置（/config.json），请告知质量办',
    en: 'The portal’s configuration (/config.json) could not be read: tell the office',
  },

  // navigation
  nav: { zh: '主菜单', en: 'Main menu' },
  myDepartment: { zh: '我的部门', en: 'My department' },
  department: { zh: '部门', en: 'Department' },
  upload: { zh: '上传', en: 'Upload' },
  uploadAnyway: { zh: '仍然上传', en: 'Upload anyway' },
  statusGrid: { zh: '报送情况', en: 'Submissions' },
  alerts: { zh: '预警', en: 'Alerts' },
  summaries: { zh: '季度汇总', en: 'Quarterly summaries' },
  uploadLog: { zh: '上传记录', en: 'Uploads' },
  roleClerk: { zh: '部门填报人', en: 'clerk' },
  roleOffice: { zh: '质量办', en: 'office' },

  // department view
  quartersCaption: { zh: '各季度报送情况', en: 'Each quarter' },
  quarter: { zh: '季度', en: 'Quarter' },
  dueDate: { zh: '截止日期', en: 'Due' },
  state: { zh: '状态', en: 'State' },
  currentVersion: { zh: '当前版本', en: 'Current version' },
  errors: { zh: '错误', en: 'Errors' },
  warnings: { zh: '警告', en: 'Warnings' },
  versions: { zh: '版本数', en: 'Versions' },
  actions: { zh: '操作', en: 'Actions' },
  history: { zh: '版本记录', en: 'Versions' },
  hideHistory: { zh: '收起版本记录', en: 'Hide versions' },
  noVersions: { zh: '本季度还没有上传过文件', en: 'Nothing uploaded for this quarter yet' },
  noQuarters: { zh: '暂无需要报送的季度', en: 'No quarter to report yet' },
  template: { zh: '下载空白模板', en: 'Download the blank template' },
  templateQuarter: { zh: '模板的报送季度', en: 'Quarter of the template' },
  templateHint: {
    zh: '模板包含本部门要报送的工作表、下拉选项和填报说明；请在模板中填写后上传。',
    en: 'The template holds the sheets your department sends, the dropdowns and the instructions: fill it in and upload it.',
  },
  templateDone: { zh: '模板已下载', en: 'The template was downloaded' },
  missingIndicators: { zh: '缺少的指标', en: 'Missing indicators' },

  // versions and reports
  file: { zh: '文件', en: 'File' },
  receivedAt: { zh: '接收时间（北京时间）', en: 'Received (Beijing time)' },
  uploadedBy: { zh: '上传人', en: 'Uploaded by' },
  result: { zh: '结果', en: 'Result' },
  current: { zh: '当前', en: 'Current' },
  accepted: { zh: '已接收', en: 'accepted' },
  wouldAccept: { zh: '上传后可以接收', en: 'would be accepted' },
  wouldReject: { zh: '按原样上传将被退回', en: 'would be rejected as it is' },
  rejected: { zh: '已退回', en: 'rejected' },
  viewReport: { zh: '查看报告', en: 'Report' },
  annotated: { zh: '下载批注副本', en: 'Download the annotated copy' },
  original: { zh: '下载原文件', en: 'Download the file as sent' },
  reportTitle: { zh: '校验报告', en: 'Validation report' },
  issuesCaption: { zh: '问题清单（错误在前）', en: 'Issues (errors first)' },
  noIssues: { zh: '没有发现问题', en: 'No issues found' },
  severity: { zh: '级别', en: 'Severity' },
  code: { zh: '代码', en: 'Code' },
  sheet: { zh: '工作表', en: 'Sheet' },
  cell: { zh: '单元格', en: 'Cell' },
  header: { zh: '表头', en: 'Header' },
  value: { zh: '值', en: 'Value' },
  message: { zh: '问题及处理办法', en: 'Problem and what to do' },
  sheetsCaption: { zh: '读取的工作表', en: 'Sheets read' },
  kind: { zh: '类型', en: 'Kind' },
  rows: { zh: '数据行', en: 'Data rows' },
  acceptedRows: { zh: '无错误的行', en: 'Rows without errors' },
  notes: { zh: '说明', en: 'Notes' },
  fileLevel: { zh: '整个文件', en: 'whole file' },
  sheetLevel: { zh: '整张表', en: 'whole sheet' },
  moreIssues: { zh: '问题较多，只列出前 1000 个；改正后请重新检查', en: 'Only the first 1000 issues are listed: fix them and check again' },

  // upload
  uploadIntro: {
    zh: '第一步选择季度，第二步选择或拖入文件。文件会先在您的浏览器里检查（此时还没有上传）；确认后再点“上传”。',
    en: 'First choose the quarter, then choose or drop the file. It is checked in your browser first (nothing is sent yet); then press “Upload”.',
  },
  chooseQuarter: { zh: '报送季度', en: 'Quarter' },
  chooseFile: { zh: '选择文件，或把文件拖到这里', en: 'Choose a file, or drop it here' },
  fileHint: { zh: 'Excel 工作簿 .xlsx，或单张表的 .csv（如 inspections.csv），不超过 50 MB', en: 'an Excel workbook .xlsx, or one sheet as .csv (e.g. inspections.csv), up to 50 MB' },
  chosen: { zh: '已选择', en: 'Chosen' },
  checking: { zh: '正在浏览器内检查文件…', en: 'Checking the file in your browser…' },
  checkTitle: { zh: '浏览器内检查结果', en: 'Check in your browser' },
  checkOk: { zh: '未发现错误，可以上传', en: 'No errors found: ready to upload' },
  checkWarnings: { zh: '未发现错误，但有警告，请核对后上传', en: 'No errors, but warnings: check them, then upload' },
  checkErrors: { zh: '发现错误：按原样上传将被退回。建议按下表改正后重新选择文件', en: 'Errors found: as it is, the upload will be rejected. Fix them as the table says and choose the file again' },
  checkRefused: { zh: '这个文件不能上传', en: 'This file cannot be uploaded' },
  checkFailed: {
    zh: '浏览器内检查未能完成；您仍可上传，入库时会完整校验',
    en: 'The check in your browser could not finish; you may still upload: ingest checks the file in full',
  },
  ledgerNote: {
    zh: '证书台账的核对（上海品牌、上海标准等存量与已入库证书的比对）在上传入库时进行，浏览器内检查不包括这一项。',
    en: 'The certificate-ledger checks (Shanghai Brand and Shanghai Standard stocks against the stored certificates) happen at ingest, after the upload; the check in your browser leaves them out.',
  },
  anywayHint: {
    zh: '有错误的文件会被退回，不会替换已接收的数据，但这次上传会留下记录。',
    en: 'A file with errors is rejected and replaces none of the accepted data, but the upload is recorded.',
  },
  uploading: { zh: '正在上传…', en: 'Uploading…' },
  uploaded: { zh: '已上传，正在入库校验…', en: 'Uploaded; being checked and stored…' },
  waitingLong: { zh: '入库校验时间较长，请稍候；可以离开本页，稍后在“我的部门”查看结果', en: 'This takes a while: you may leave the page and see the result under “My department” later' },
  ingestTimeout: {
    zh: '文件已上传，但 10 分钟内没有等到入库结果；请稍后在“我的部门”查看，或告知质量办',
    en: 'The file was uploaded, but no ingest result came within 10 minutes: look under “My department” later, or tell the office',
  },
  uploadFailed: { zh: '上传失败', en: 'The upload failed' },
  resultTitle: { zh: '入库结果', en: 'Result at ingest' },
  resultAccepted: { zh: '已接收：本季度的数据已更新', en: 'Accepted: the quarter’s data is updated' },
  resultRejected: { zh: '已退回：请按问题清单改正后重新上传', en: 'Rejected: fix the issues below and upload again' },
  another: { zh: '上传另一个文件', en: 'Upload another file' },
  officeNoUpload: { zh: '质量办账号只能查看，不能上传；请由部门填报人登录后上传。', en: 'Office accounts read only: a department’s clerk uploads.' },

  // office
  statusCaption: { zh: '各部门各季度报送情况', en: 'Every department, every quarter' },
  legend: { zh: '图例', en: 'Legend' },
  filter: { zh: '筛选', en: 'Filter' },
  type: { zh: '类型', en: 'Type' },
  createdAt: { zh: '时间（北京时间）', en: 'Time (Beijing time)' },
  content: { zh: '内容', en: 'Message' },
  alertsCaption: { zh: '预警列表（从早到晚）', en: 'Alerts, oldest first' },
  noAlerts: { zh: '没有符合条件的预警', en: 'No alert matches' },
  alertCount: { zh: '条预警', en: 'alerts' },
  noSummary: { zh: '该季度还没有汇总', en: 'No summary for this quarter yet' },
  summaryFiles: { zh: '汇总文件', en: 'Summary files' },
  linksExpire: { zh: '链接 5 分钟内有效，过期请重新打开本页', en: 'The links work for 5 minutes: open the page again after that' },
  show: { zh: '显示', en: 'Show' },
  noUploads: { zh: '本季度还没有上传', en: 'No upload for this quarter yet' },
  openDepartment: { zh: '查看该部门', en: 'Open the department' },
} satisfies Record<string, Lang>;

/** Marks that tell the states apart without colour. */
export const STATE_SYMBOL: Record<PortalState, string> = {
  pending: '○',
  on_time: '●',
  late: '◷',
  missing: '✕',
  rejected: '↩',
  incomplete: '◐',
};

export const STATE_ORDER: PortalState[] = ['pending', 'on_time', 'late', 'incomplete', 'rejected', 'missing'];

const CN_DIGITS = ['一', '二', '三', '四'];

/** 2026-Q3 → 2026年第三季度 / 2026 Q3 */
export function quarterLabel(period: string): Lang {
  const q = parsePeriod(period);
  if (!q) return { zh: period, en: period };
  return { zh: `${q.year}年第${CN_DIGITS[q.q - 1]}季度`, en: `${q.year} Q${q.q}` };
}

/** An ISO time in Beijing time, `yyyy-mm-dd hh:mm`. */
export const when = (iso: string | undefined): string => (iso ? localDateTime(iso) : '');

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** 3 个版本 / 3 versions */
export const versionsCount = (n: number): Lang => ({ zh: `${n} 个版本`, en: `${n} version${n === 1 ? '' : 's'}` });

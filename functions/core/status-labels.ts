// How an indicator's status is named to people: one table for alerts, the CLI and the summary.
import type { IndicatorStatus, Lang } from './model';

export const STATUS_LABEL: Record<IndicatorStatus, Lang> = {
  met: { zh: '达标', en: 'met' },
  at_risk: { zh: '预警', en: 'at risk' },
  breached: { zh: '未达标', en: 'breached' },
  no_data: { zh: '无数据', en: 'no data' },
  needs_review: { zh: '待评审', en: 'needs review' },
};

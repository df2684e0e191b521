// 预警 / Alerts, filtered by quarter, department (office), type and severity:
//   GET /api/alerts?period=P[&department=D][&type=T][&severity=S]
// A clerk sees only the alerts about the own department (the API says which).
import { ALERT_TYPE_LABEL, SEVERITY_LABEL, SEVERITY_ORDER } from '../../../functions/core/labels';
import type { Alert, AlertType } from '../../../functions/core/model';
import { api } from '../api';
import { bi, biBlock, biText, h, headRow, replace, scrollTable, stackable } from '../dom';
import { quarterLabel, T, when } from '../text';
import { choiceSelect, chosenPeriod, departmentChoices, departmentLabel, errorBox, loadingBox, pageTitle, periodSelect, type ViewContext } from './common';

const SEVERITY_SYMBOL: Record<Alert['severity'], string> = { critical: '✕', warning: '▲', info: 'ⓘ' };

export async function alertsView(ctx: ViewContext): Promise<void> {
  const { me, params } = ctx;
  const office = me.role === 'office';
  const period = periodSelect('alerts-period', me.periods, chosenPeriod(ctx));
  const department = office ? choiceSelect('alerts-department', T.department, departmentChoices(me.departments), params.get('department') ?? undefined) : undefined;
  const type = choiceSelect(
    'alerts-type',
    T.type,
    (Object.keys(ALERT_TYPE_LABEL) as AlertType[]).map((t) => ({ value: t, text: ALERT_TYPE_LABEL[t] })),
    params.get('type') ?? undefined,
  );
  const severity = choiceSelect(
    'alerts-severity',
    T.severity,
    SEVERITY_ORDER.map((s) => ({ value: s, text: SEVERITY_LABEL[s] })),
    params.get('severity') ?? undefined,
  );
  const form = h(
    'form',
    { id: 'alerts-form', class: 'filters', role: 'search' },
    period.field,
    department?.field,
    type.field,
    severity.field,
    h('button', { type: 'submit', id: 'alerts-apply', class: 'primary' }, bi(T.filter)),
  );
  const out = h('div', { id: 'alerts-body', 'aria-live': 'polite' });
  replace(ctx.root, pageTitle(T.alerts), form, out);

  const filter = () => ({
    period: period.select.value,
    department: department?.select.value || undefined,
    type: type.select.value || undefined,
    severity: severity.select.value || undefined,
  });
  const load = async () => {
    const f = filter();
    replace(out, loadingBox());
    try {
      const { alerts } = await api.alerts(f);
      if (!ctx.alive()) return;
      replace(out, alertsTable(ctx, alerts, f.period));
    } catch (err) {
      if (ctx.alive()) replace(out, errorBox(err, () => void load()));
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.setParams(filter());
    void load();
  });
  await load();
}

function alertsTable(ctx: ViewContext, alerts: Alert[], period: string): HTMLElement {
  const count = h('p', { id: 'alerts-count', class: 'count', 'data-count': String(alerts.length) }, `${biText(quarterLabel(period))}: ${alerts.length} `, bi(T.alertCount));
  if (alerts.length === 0) return h('div', null, count, h('p', { class: 'empty', id: 'alerts-empty' }, bi(T.noAlerts)));
  // the quarter is the filter's, a clerk's department their own: neither takes a column; the message gets the room
  const office = ctx.me.role === 'office';
  const columns = [T.createdAt, ...(office ? [T.department] : []), T.type, T.severity, T.content];
  const table = h(
    'table',
    { id: 'alerts-table', class: 'alerts' },
    h('caption', null, bi(T.alertsCaption)),
    headRow(columns),
    h(
      'tbody',
      null,
      alerts.map((a) =>
        h(
          'tr',
          { class: `alert-row alert-${a.severity}`, 'data-type': a.type, 'data-severity': a.severity, 'data-department': a.department, 'data-alert-id': a.id },
          h('td', null, when(a.createdAt)),
          office ? h('td', null, bi(departmentLabel(ctx.me, a.department))) : null,
          h(
            'td',
            null,
            bi(ALERT_TYPE_LABEL[a.type] ?? { zh: a.type, en: a.type }),
            a.indicator || a.certificate ? h('small', { class: 'code', 'data-indicator': a.indicator ?? null }, a.indicator ?? a.certificate ?? '') : null,
          ),
          h('td', null, h('span', { class: `badge badge-${a.severity}` }, `${SEVERITY_SYMBOL[a.severity] ?? ''} `, bi(SEVERITY_LABEL[a.severity] ?? { zh: a.severity, en: a.severity }))),
          h('td', { class: 'message' }, biBlock(a.message)),
        ),
      ),
    ),
  );
  return h('div', null, count, scrollTable(stackable(table, columns), T.alertsCaption));
}

// A subordinate unit's report (a school's or a child region's), read-only, with its suspected issues
// and history (seed 000 §4.2–4.3). The upper level's 管理员 or 审核员 return it with a reason and a
// time limit, or decide its withdrawal request (seed 001 §18–19). Each button shows only when the
// report's `actions` (decided by the server: role, state, and the upper level's own report not being
// reported) list it, so inspectors, and an upper level that has reported, see none.
import Taro, { useRouter } from '@tarojs/taro';
import { Picker, View, Text, Textarea } from '@tarojs/components';
import { Button, Tag } from '@nutui/nutui-react-taro';
import { deadlineLabel, periodLabel, SCHOOL_FORM_GROUPS } from '@eduprogress/shared';
import { useState } from 'react';
import PageState from '../../components/PageState';
import ReportHistory from '../../components/ReportHistory';
import Section from '../../components/Section';
import { formGroups, getPath, readableValue } from '../../components/schema-form/model';
import { STATE_TAG } from '../../components/state-tag';
import { formatTime, formatDeadline } from '../../services/periods';
import {
  decideWithdrawal,
  fetchUnitReport,
  returnUnitReport,
  type RegionReportView,
} from '../../services/region';
import type { ReportViewAction } from '@eduprogress/shared';
import { request } from '../../services/request';
import { useResource } from '../../services/use-resource';

const messages = {
  period: '期次',
  state: '状态',
  submittedAt: '上报时间',
  returnUntil: '限时修改至',
  auto: '系统自动上报',
  issues: '疑似问题',
  noIssues: '没有疑似问题',
  confirmed: (note?: string) => `学校已确认无误${note ? `：${note}` : ''}`,
  open: '待处理',
  data: '填报数据',
  notSaved: '本期尚未保存数据',
  history: '报表历史',
  withdrawal: (reason?: string) => `撤报申请：${reason ?? '—'}`,
  approve: '批准撤报',
  reject: '不批准',
  decisionReason: '审批意见（不批准时必填，申请单位可见）',
  rejectReason: '不批准时请写明原因，申请单位将看到这一原因',
  rejectConfirm: (unit: string) => `确认不批准${unit}的撤报申请？报表将保持原状态。`,
  approveConfirm: (unit: string) => `确认批准${unit}的撤报申请？报表将退回限时修改。`,
  returnTitle: '退回修改',
  returnReason: '退回原因',
  returnReasonHint: '请写明需要核实修改的内容',
  until: '限时修改至',
  untilHint: (days: number) => `北京时间，可选今天起 ${days} 天内`,
  pickDate: '选择日期',
  pickTime: '选择时间',
  badUntil: '请选择限时修改的截止日期和时间',
  shortReason: '退回原因至少 2 个字',
  send: '确认退回',
  cancel: '取消',
  returned: '已退回',
  decided: '已处理',
  returnable: '退回',
};

/** `2027-01-05 18:00` → `2027-01-05T18:00:00+08:00`; null when not in that form. */
export function parseBeijing(text: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})$/.exec(text.trim());
  return m ? `${m[1]}T${m[2]}:00+08:00` : null;
}

/** Three days after `nowIso` at 18:00, Beijing time, as the return form's default. */
export function defaultUntil(nowIso: string): string {
  const d = new Date(Date.parse(nowIso) + 8 * 3600_000 + 3 * 86_400_000);
  return `${d.toISOString().slice(0, 10)} 18:00`;
}

/** `2027-01-06` → `2027年1月6日`. */
function dateLabel(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** How far ahead a return's time limit may be picked, in days from today. */
export const UNTIL_MAX_DAYS = 30;

/**
 * The date picker's bounds for a return's time limit, `YYYY-MM-DD` in Beijing time: from today (the server
 * refuses a limit already past, RETURN_DEADLINE_PAST) to {@link UNTIL_MAX_DAYS} days ahead.
 */
export function untilBounds(nowIso: string): { start: string; end: string } {
  const today = Date.parse(nowIso) + 8 * 3600_000;
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return { start: day(today), end: day(today + UNTIL_MAX_DAYS * 86_400_000) };
}

interface Loaded {
  report: RegionReportView;
  schema: Record<string, any>;
  groups?: { key: string; title: string }[];
  schoolType?: string;
  now: string;
}

export default function UnitReportPage() {
  const { params } = useRouter();
  const kind = params.kind === 'region' ? 'region' : 'school';
  const id = params.id ?? '';
  const period = params.period ?? '';
  const res = useResource<Loaded>(async () => {
    const [report, periods] = await Promise.all([
      fetchUnitReport(kind, id, period),
      request<{ now: string }>('/periods/current', { silent: true }),
    ]);
    const [form, unit] = await Promise.all([
      request<{ schema: Record<string, any>; groups?: { key: string; title: string }[] }>(`/forms/${kind}`, {
        silent: true,
        query: { version: report.formVersion },
      }),
      kind === 'school' ? request<{ type: string }>(`/schools/${id}`, { silent: true }) : undefined,
    ]);
    return {
      report,
      schema: form.schema,
      groups: form.groups,
      schoolType: unit?.type,
      now: periods.now,
    };
  });
  const [returning, setReturning] = useState(false);
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState('');
  const [decision, setDecision] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const d = res.data;
  const r = d?.report;
  const may = (a: ReportViewAction) => !!r?.actions.includes(a);
  const act = async (fn: () => Promise<RegionReportView>, done: string) => {
    setBusy(true);
    try {
      const next = await fn();
      res.setData({ ...d!, report: next });
      setReturning(false);
      Taro.showToast({ title: done, icon: 'success' });
    } catch {
      /* the request module showed the server's sentence */
    } finally {
      setBusy(false);
    }
  };
  const sendReturn = () => {
    const at = parseBeijing(until);
    if (reason.trim().length < 2) return setError(messages.shortReason);
    if (!at) return setError(messages.badUntil);
    setError('');
    void act(() => returnUnitReport(kind, id, period, reason.trim(), at), messages.returned);
  };
  const decide = async (approve: boolean) => {
    const why = decision.trim();
    if (!approve && !why) return setError(messages.rejectReason);
    setError('');
    const ok = await Taro.showModal({
      content: approve ? messages.approveConfirm(r!.unit.name) : messages.rejectConfirm(r!.unit.name),
    });
    if (!ok.confirm) return;
    await act(() => decideWithdrawal(kind, id, period, approve, why || undefined), messages.decided);
  };
  const lastReason = r ? [...r.history].reverse().find((h) => h.to === r.state)?.reason : undefined;
  const groups = d
    ? formGroups(
        d.schema,
        d.groups ?? (kind === 'school' ? SCHOOL_FORM_GROUPS : [{ key: 'other', title: messages.data }]),
        d.schoolType,
        r && 'level' in r ? r.level : undefined,
      )
    : [];
  return (
    <View className="page unit-report">
      <PageState loading={res.loading} error={res.error} onRetry={res.reload}>
        {d && r && (
          <>
            <Section title={<Text className="school-name">{r.unit.name}</Text>}>
              <View className="kv">
                <Text className="kv-key">{messages.period}</Text>
                <Text className="kv-value">{periodLabel(r.period)}</Text>
              </View>
              <View className="kv">
                <Text className="kv-key">{messages.state}</Text>
                <Tag className="state-tag" type={STATE_TAG[r.state] ?? 'default'}>
                  {r.stateLabel}
                  {r.autoSubmitted ? `（${messages.auto}）` : ''}
                </Tag>
              </View>
              {r.submittedAt && (
                <View className="kv">
                  <Text className="kv-key">{messages.submittedAt}</Text>
                  <Text className="kv-value">{formatTime(r.submittedAt)}</Text>
                </View>
              )}
              {r.state === 'returned' && (
                <View className="kv">
                  <Text className="kv-key">{messages.returnUntil}</Text>
                  <Text className="kv-value">{formatDeadline(r.returnDeadline)}</Text>
                </View>
              )}
              {r.state === 'withdrawalRequested' && (
                <View className="returned">
                  <Text className="returned-line">{messages.withdrawal(lastReason)}</Text>
                </View>
              )}
              {(may('approveWithdrawal') || may('rejectWithdrawal')) && (
                <View className="pad decision">
                  <Textarea
                    className="textarea"
                    value={decision}
                    placeholder={messages.decisionReason}
                    maxlength={500}
                    onInput={(e) => setDecision(e.detail.value)}
                  />
                  {error && !returning && <Text className="field-error block">{error}</Text>}
                  <View className="button-row">
                    {may('rejectWithdrawal') && (
                      <Button size="large" disabled={busy} onClick={() => void decide(false)}>
                        {messages.reject}
                      </Button>
                    )}
                    {may('approveWithdrawal') && (
                      <Button size="large" type="primary" disabled={busy} onClick={() => void decide(true)}>
                        {messages.approve}
                      </Button>
                    )}
                  </View>
                </View>
              )}
              {may('return') && !returning && (
                <View className="button-row">
                  <Button
                    size="large"
                    type="danger"
                    onClick={() => {
                      setUntil(until || defaultUntil(d.now));
                      setReturning(true);
                    }}
                  >
                    {messages.returnable}
                  </Button>
                </View>
              )}
            </Section>
            {may('return') && returning && (
              <Section title={messages.returnTitle}>
                <View className="pad">
                  <Text className="field-label block">{messages.returnReason}</Text>
                  <Textarea
                    className="textarea"
                    value={reason}
                    placeholder={messages.returnReasonHint}
                    maxlength={500}
                    onInput={(e) => setReason(e.detail.value)}
                  />
                </View>
                <View className="pad until" data-field="until">
                  <Text className="field-label block">{messages.until}</Text>
                  <View className="until-row">
                    <Picker
                      mode="date"
                      value={until.slice(0, 10)}
                      start={untilBounds(d.now).start}
                      end={untilBounds(d.now).end}
                      onChange={(e) => setUntil(`${e.detail.value} ${until.slice(11) || '18:00'}`)}
                    >
                      <View className="chip until-date">
                        {until ? dateLabel(until.slice(0, 10)) : messages.pickDate}
                      </View>
                    </Picker>
                    <Picker
                      mode="time"
                      value={until.slice(11) || '18:00'}
                      onChange={(e) => setUntil(`${until.slice(0, 10)} ${e.detail.value}`)}
                    >
                      <View className="chip until-time">{until.slice(11) || messages.pickTime}</View>
                    </Picker>
                  </View>
                  <Text className="muted block">
                    {parseBeijing(until) ? deadlineLabel(parseBeijing(until)) : ''}（
                    {messages.untilHint(UNTIL_MAX_DAYS)}）
                  </Text>
                </View>
                {error && <Text className="field-error pad block">{error}</Text>}
                <View className="button-row">
                  <Button size="large" onClick={() => setReturning(false)}>
                    {messages.cancel}
                  </Button>
                  <Button size="large" type="danger" disabled={busy} onClick={sendReturn}>
                    {messages.send}
                  </Button>
                </View>
              </Section>
            )}
            {kind === 'school' && (
              <Section title={messages.issues}>
                {r.issues.length ? (
                  r.issues.map((i) => (
                    <View key={i.code} className="row">
                      <View className="row-main">
                        <Text className="row-title">{i.message}</Text>
                        <Text className="muted">
                          {i.status === 'confirmed' ? messages.confirmed(i.note) : messages.open}
                        </Text>
                      </View>
                    </View>
                  ))
                ) : (
                  <Text className="muted pad block">{messages.noIssues}</Text>
                )}
              </Section>
            )}
            {!r.saved && <Text className="muted pad block">{messages.notSaved}</Text>}
            {groups.map((g) => (
              <Section key={g.key} title={g.title}>
                {g.fields.map((f) => (
                  <View key={f.path} className="kv">
                    <Text className="kv-key wrap">{f.label}</Text>
                    <Text className="kv-value">{readableValue(f, getPath(r.data, f.path))}</Text>
                  </View>
                ))}
              </Section>
            ))}
            <ReportHistory title={messages.history} history={r.history} />
          </>
        )}
      </PageState>
    </View>
  );
}

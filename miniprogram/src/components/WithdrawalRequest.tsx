// 申请撤报 (seed 001 §18): a unit's own reported report is reopened only through its upper level. The
// button shows where the server says the request would be accepted (`requestWithdrawal` in the report's
// `actions`, server/src/reports/service.ts reportActions): the report is 已上报 or 已锁定, and the user is
// the school's 管理员, or the region's own 管理员 or 审核员 — never an inspector. Tapping it opens a form for
// the reason the API requires (2–500 characters), as 退回 does; once filed the report is 撤报申请中. When
// the upper level did not approve the last request, its reason shows here (`withdrawalRejection`).
import Taro from '@tarojs/taro';
import { View, Text, Textarea } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import Section from './Section';
import type { ReportState, ReportViewAction } from '@eduprogress/shared';
import { request } from '../services/request';
import { formatTime } from '../services/periods';

const messages = {
  open: '申请撤报',
  title: '申请撤报',
  hint: '撤报申请由上级审批；批准后报表退回本级限时修改，修改后需重新上报。',
  reason: '撤报原因',
  reasonHint: '请写明需要撤回修改的内容',
  shortReason: '撤报原因至少 2 个字',
  send: '确认申请',
  cancel: '取消',
  sent: '已提交撤报申请',
  rejected: (at: string, reason?: string) => `撤报申请未获批准（${at}）：${reason ?? '—'}`,
};

/** One transition of a report's history, as the API answers it. */
interface HistoryEntry {
  at: string;
  from: ReportState | null;
  to: ReportState;
  reason?: string;
}

/**
 * The upper level's answer when the report's last transition was a refused withdrawal request
 * (撤报申请中 → anything but 已退回): when and why, for the unit that asked; else null.
 */
export function withdrawalRejection(
  history: readonly HistoryEntry[],
): { at: string; reason?: string } | null {
  const last = history.at(-1);
  if (!last || last.from !== 'withdrawalRequested' || last.to === 'returned') return null;
  return { at: last.at, reason: last.reason };
}

/**
 * The 申请撤报 button and its reason form for the report of `kind`/`id` in `period`, shown when the
 * report's `actions` list `requestWithdrawal`; above it, a refused request's reason. `onFiled` receives
 * the report as the server returns it (state `withdrawalRequested`); a refusal shows the server's
 * sentence (services/request).
 */
export default function WithdrawalRequest<T>(props: {
  kind: 'school' | 'region';
  id: string;
  period: string;
  actions: readonly ReportViewAction[];
  history: readonly HistoryEntry[];
  onFiled: (report: T) => void;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const rejection = withdrawalRejection(props.history);
  const note = rejection && (
    <Text className="muted pad block withdrawal-rejected">
      {messages.rejected(formatTime(rejection.at), rejection.reason)}
    </Text>
  );
  if (!props.actions.includes('requestWithdrawal')) return note;
  const base = props.kind === 'school' ? `/schools/${props.id}` : `/regions/${props.id}`;
  const send = async () => {
    if (reason.trim().length < 2) return setError(messages.shortReason);
    setError('');
    setBusy(true);
    try {
      const report = await request<T>(`${base}/reports/${props.period}/withdrawal`, {
        method: 'POST',
        data: { reason: reason.trim() },
      });
      setOpen(false);
      setReason('');
      Taro.showToast({ title: messages.sent, icon: 'success' });
      props.onFiled(report);
    } catch {
      /* the request module showed the server's sentence */
    } finally {
      setBusy(false);
    }
  };
  if (!open)
    return (
      <>
        {note}
        <View className="button-row">
          <Button size="large" onClick={() => setOpen(true)}>
            {messages.open}
          </Button>
        </View>
      </>
    );
  return (
    <Section title={messages.title} className="withdrawal-request">
      <Text className="muted pad block">{messages.hint}</Text>
      <View className="pad" data-field="withdrawal-reason">
        <Text className="field-label block">{messages.reason}</Text>
        <Textarea
          className="textarea"
          value={reason}
          placeholder={messages.reasonHint}
          maxlength={500}
          onInput={(e) => setReason(e.detail.value)}
        />
      </View>
      {error && <Text className="field-error pad block">{error}</Text>}
      <View className="button-row">
        <Button size="large" onClick={() => setOpen(false)}>
          {messages.cancel}
        </Button>
        <Button size="large" type="primary" disabled={busy} onClick={send}>
          {messages.send}
        </Button>
      </View>
    </Section>
  );
}

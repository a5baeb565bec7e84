// 审核上报 (seed 000 §4, seed 001 ch. 5): the region's own report — its state, window and history, and
// for the 审核员 the upward submission inside the window; the direct subordinates' withdrawal requests
// to decide and their reported reports to return (each opens the unit's report page). Inspectors
// read the same lists with no buttons.
import { NATIONAL_CODE, opensAtLabel, periodLabel } from '@eduprogress/shared';
import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button, Tag } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import PageState from '../../components/PageState';
import ReportHistory from '../../components/ReportHistory';
import Section from '../../components/Section';
import WithdrawalRequest from '../../components/WithdrawalRequest';
import Segments from '../../components/Segments';
import { STATE_TAG } from '../../components/state-tag';
import { activeBinding, requireSession } from '../../services/account';
import { formatDeadline } from '../../services/periods';
import PeriodSwitch from '../../components/PeriodSwitch';
import {
  fetchUnitReport,
  fetchUnitReports,
  regionPeriod,
  workOf,
  type UnitReportRow,
} from '../../services/region';
import { request } from '../../services/request';
import { usePolling, useReloadOn } from '../../services/use-polling';
import { useResource } from '../../services/use-resource';

const messages = {
  own: (period: string) => `本级报表 · ${periodLabel(period)}`,
  state: '状态',
  window: '本级上报时间',
  submit: '上报本级报表',
  submitConfirm: '上报后本级数据将锁定，确认向上级上报？',
  submitted: '已上报',
  notInWindow: '当前不在本级上报时间内',
  fill: '填写本级数据',
  history: '本级报表历史',
  tabs: { withdrawal: '撤报申请', submitted: '已上报', returned: '已退回' },
  none: {
    withdrawal: '没有待审批的撤报申请',
    submitted: '没有已上报待审核的报表',
    returned: '没有已退回的报表',
  },
  returnUntil: (t: string) => `限时修改至 ${t}`,
};

type Tab = keyof typeof messages.tabs;
const TAB_STATE = {
  withdrawal: 'withdrawalRequested',
  submitted: 'submitted',
  returned: 'returned',
} as const;

export default function ReviewPage() {
  const binding = activeBinding(requireSession());
  const code = binding?.regionCode ?? '';
  const [tab, setTab] = useState<Tab>('withdrawal');
  const [chosen, setChosen] = useState<string>();
  const [busy, setBusy] = useState(false);
  const res = useResource(async () => {
    // The period worked on, or the one being reported up (last quarter's withdrawal requests wait there).
    const { period, working, reported, periods, pending, work } = await regionPeriod(chosen, code);
    const [own, list] = await Promise.all([
      // The national level has no report of its own: it only reviews the provinces'.
      code === NATIONAL_CODE ? undefined : fetchUnitReport('region', code, period),
      // The upper level decides and returns its direct units only.
      fetchUnitReports(code, { period, state: TAB_STATE[tab], direct: true, pageSize: 100 }),
    ]);
    return {
      tab,
      working,
      reported,
      period,
      now: periods.now,
      own,
      list,
      pending,
      work: workOf(work, period),
    };
  });
  usePolling(res.refresh);
  useReloadOn(res.reload, [tab, chosen]);
  // A tab shows only what was loaded for it (never the previous tab's rows while its own load).
  const d = res.data?.tab === tab && (!chosen || res.data.period === chosen) ? res.data : undefined;
  const own = d?.own;
  const submit = async () => {
    const ok = await Taro.showModal({ content: messages.submitConfirm });
    if (!ok.confirm) return;
    setBusy(true);
    try {
      await request(`/regions/${code}/reports/${d!.period}/submit`, { method: 'POST' });
      Taro.showToast({ title: messages.submitted, icon: 'success' });
      await res.reload();
    } catch {
      /* toast shown */
    } finally {
      setBusy(false);
    }
  };
  const open = (r: UnitReportRow) =>
    Taro.navigateTo({
      url: `/pages/region-unit-report/index?kind=${r.unit.kind}&id=${r.unit.id}&period=${d!.period}`,
    });
  return (
    <View className="page review">
      {res.data && (
        <PeriodSwitch
          working={res.data.working}
          reported={res.data.reported}
          value={res.data.period}
          onChange={(p) => setChosen(p)}
          pending={res.data.pending}
        />
      )}
      <PageState loading={res.loading || (!d && !res.error)} error={res.error} onRetry={res.reload}>
        {d && (
          <>
            {own && (
              <Section
                title={<Text className="school-name">{`${own.unit.name} · ${messages.own(d.period)}`}</Text>}
              >
                <View className="kv">
                  <Text className="kv-key">{messages.state}</Text>
                  <Tag className="state-tag" type={STATE_TAG[own.state] ?? 'default'}>
                    {own.stateLabel}
                  </Tag>
                </View>
                <View className="kv">
                  <Text className="kv-key">{messages.window}</Text>
                  <Text className="kv-value">
                    <Text className="unbroken">{opensAtLabel(own.window.opensAt)}</Text> 至{' '}
                    <Text className="unbroken">{formatDeadline(own.window.closesAt)}</Text>
                  </Text>
                </View>
                {own.actions.includes('submit') ? (
                  <View className="button-row">
                    <Button size="large" type="primary" disabled={busy} onClick={submit}>
                      {messages.submit}
                    </Button>
                  </View>
                ) : (
                  // The 审核员 of a report still open hears why there is no button (the server said no).
                  binding?.role === 'auditor' &&
                  ['draft', 'returned'].includes(own.state) && (
                    <Text className="muted pad block">{messages.notInWindow}</Text>
                  )
                )}
                {own.actions.includes('edit') && (
                  <View className="button-row">
                    <Button size="large" onClick={() => Taro.navigateTo({ url: '/pages/region-form/index' })}>
                      {messages.fill}
                    </Button>
                  </View>
                )}
                <WithdrawalRequest
                  kind="region"
                  id={code}
                  period={d.period}
                  actions={own.actions}
                  history={own.history}
                  onFiled={() => void res.reload()}
                />
              </Section>
            )}
            <Segments
              name="tab"
              items={(Object.keys(messages.tabs) as Tab[]).map((k) => ({
                key: k,
                text: messages.tabs[k],
                // What waits: requests to decide, units returned and not reported again.
                badge:
                  k === 'withdrawal'
                    ? d.work?.withdrawalRequests
                    : k === 'returned'
                      ? d.work?.returned
                      : undefined,
              }))}
              value={tab}
              onChange={setTab}
            />
            <Section>
              {d.list.items.length ? (
                d.list.items.map((r) => (
                  <View key={r.id} className="row" data-row={r.unit.id} onClick={() => open(r)}>
                    <View className="row-main">
                      <Text className="row-title">{r.unit.name}</Text>
                      <Text className="muted">
                        {r.stateLabel}
                        {r.lastReason ? ` · ${r.lastReason}` : ''}
                        {r.state === 'returned' && r.returnDeadline
                          ? ` · ${messages.returnUntil(formatDeadline(r.returnDeadline))}`
                          : ''}
                      </Text>
                    </View>
                    <Text className="row-arrow">›</Text>
                  </View>
                ))
              ) : (
                <Text className="muted pad block">{messages.none[tab]}</Text>
              )}
            </Section>
            {own && <ReportHistory title={messages.history} history={own.history} />}
          </>
        )}
      </PageState>
    </View>
  );
}

// 督促管理 (seed 000 §4.2, seed 003 part 3): 填报管理 — initialized / reported schools by child region;
// 更新管理 — schools by the month of their last update; the overdue list (past the deadline, not
// reported); the auto-submitted list. A school opens its report read-only with its suspected issues.
import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { formatRate, periodLabel } from '@eduprogress/shared';
import { useState } from 'react';
import PageState from '../../components/PageState';
import PeriodSwitch from '../../components/PeriodSwitch';
import Section from '../../components/Section';
import Segments from '../../components/Segments';
import { activeBinding, requireSession } from '../../services/account';
import { regionAccountsLabel, SUPERVISION_LEGEND } from '../../services/measures';
import { formatTime } from '../../services/periods';
import {
  fetchSchools,
  fetchSupervision,
  fetchUnitReports,
  fetchUpdatedMonths,
  regionPeriod,
  type SchoolListItem,
  type SupervisionRow,
  type UnitReportRow,
} from '../../services/region';
import { usePolling, useReloadOn } from '../../services/use-polling';
import { useResource } from '../../services/use-resource';

const messages = {
  tabs: { fill: '填报管理', update: '更新管理', overdue: '逾期未报', auto: '自动上报' },
  schools: '学校',
  initialized: '已初始化',
  reported: '已填报',
  overdueNone: '暂无逾期未报的学校（截止时间未到，或均已上报）',
  autoNone: '本期没有系统自动上报的报表',
  updateNone: '该月没有更新过信息的学校',
  never: '从未更新',
  earlier: '更早或从未更新',
  lastUpdate: (t: string) => `最后更新 ${t}`,
  total: (n: number) => `共 ${n} 所`,
  autoAt: (t: string) => `自动上报于 ${t}`,
  /** Schools and regions alike: reports, not 所 (home's 自动上报 counts schools only). */
  autoTotal: (n: number) => `共 ${n} 份报表（学校与地区）`,
};

type Tab = keyof typeof messages.tabs;

function SchoolRow({ s, period, extra }: { s: { id: string; name: string }; period: string; extra: string }) {
  return (
    <View
      className="row"
      data-row={s.id}
      onClick={() =>
        Taro.navigateTo({ url: `/pages/region-unit-report/index?kind=school&id=${s.id}&period=${period}` })
      }
    >
      <View className="row-main">
        <Text className="row-title">{s.name}</Text>
        <Text className="muted">{extra}</Text>
      </View>
      <Text className="row-arrow">›</Text>
    </View>
  );
}

export default function SupervisionPage() {
  const code = activeBinding(requireSession())?.regionCode ?? '';
  const [tab, setTab] = useState<Tab>('fill');
  const [chosen, setChosen] = useState<string>();
  const [month, setMonth] = useState<string>();
  const res = useResource(async () => {
    const { period, working, reported, pending } = await regionPeriod(chosen, code);
    // 更新管理: how many schools were last updated in each month (one request), then the chosen
    // month's schools.
    const byMonth = tab === 'update' ? await fetchUpdatedMonths(code) : undefined;
    const counts = byMonth
      ? [
          ...byMonth.months.map((m) => ({ key: m.month, total: m.total })),
          { key: 'earlier', total: byMonth.earlier.total },
        ]
      : [];
    const monthQuery = (key: string) =>
      key === 'earlier'
        ? { region: code, updatedBefore: byMonth?.earlier.before }
        : { region: code, updatedMonth: key };
    const m = month ?? counts.find((c) => c.total)?.key ?? counts[0]?.key;
    const [supervision, overdue, auto, updated] = await Promise.all([
      fetchSupervision(code, period),
      tab === 'overdue'
        ? fetchSchools({ region: code, reported: false, period, pageSize: 100 })
        : Promise.resolve(null),
      tab === 'auto' ? fetchUnitReports(code, { period, autoSubmitted: true, pageSize: 100 }) : null,
      tab === 'update' ? fetchSchools({ ...monthQuery(m), pageSize: 100 }) : null,
    ]);
    return {
      tab,
      working,
      reported,
      pending,
      period,
      counts,
      month: m,
      supervision,
      overdue,
      auto,
      updated,
    };
  });
  usePolling(res.refresh);
  // A tab shows only what was loaded for it (never the previous tab's answer while its own loads).
  const d = res.data?.tab === tab ? res.data : undefined;
  useReloadOn(res.reload, [tab, chosen, month]);
  const totalOverdue = d?.supervision.rows.reduce((n, r) => n + r.overdue, 0) ?? 0;
  return (
    <View className="page supervision">
      {d && (
        <PeriodSwitch
          working={d.working}
          reported={d.reported}
          value={d.period}
          onChange={(p) => setChosen(p)}
          pending={d.pending}
        />
      )}
      <Segments
        name="tab"
        items={(Object.keys(messages.tabs) as Tab[]).map((k) => ({ key: k, text: messages.tabs[k] }))}
        value={tab}
        onChange={(t) => setTab(t)}
      />
      <PageState loading={res.loading || (!d && !res.error)} error={res.error} onRetry={res.reload}>
        {d && tab === 'fill' && (
          <Section title={`${d.supervision.region.name} · ${periodLabel(d.period)}`}>
            <Text className="muted pad block measures-legend">{SUPERVISION_LEGEND}</Text>
            {d.supervision.rows.map((r: SupervisionRow) => (
              <View
                key={r.code}
                className="row"
                data-row={r.code}
                onClick={() =>
                  Taro.navigateTo({
                    url: `/pages/region-schools/index?region=${r.direct ? code : r.code}${r.direct ? '&direct=true' : ''}`,
                  })
                }
              >
                <View className="row-main">
                  <Text className="row-title">{r.name}</Text>
                  <Text className="muted">
                    {messages.schools} {r.schools} · {messages.initialized} {r.schoolsInitialized}（
                    {formatRate(r.initializationRate)}） · {messages.reported} {r.schoolsReported}（
                    {formatRate(r.reportRate)}）
                  </Text>
                  {r.admins && <Text className="muted">{regionAccountsLabel(r.admins)}</Text>}
                </View>
                <Text className="row-arrow">›</Text>
              </View>
            ))}
          </Section>
        )}
        {d && tab === 'update' && (
          <>
            <Segments
              name="month"
              items={d.counts.map((c) => ({
                key: c.key,
                text: `${c.key === 'earlier' ? messages.earlier : c.key}（${c.total}）`,
              }))}
              value={d.month}
              onChange={setMonth}
            />
            <Section title={messages.total(d.updated?.total ?? 0)}>
              {d.updated?.items.length ? (
                d.updated.items.map((s: SchoolListItem) => (
                  <SchoolRow
                    key={s.id}
                    s={s}
                    period={d.period}
                    extra={
                      s.lastUpdatedAt ? messages.lastUpdate(formatTime(s.lastUpdatedAt)) : messages.never
                    }
                  />
                ))
              ) : (
                <Text className="muted pad block">{messages.updateNone}</Text>
              )}
            </Section>
          </>
        )}
        {d && tab === 'overdue' && (
          <Section title={messages.total(totalOverdue)}>
            {totalOverdue && d.overdue?.items.length ? (
              d.overdue.items.map((s: SchoolListItem) => (
                <SchoolRow key={s.id} s={s} period={d.period} extra={`${s.type} · ${s.status}`} />
              ))
            ) : (
              <Text className="muted pad block">{messages.overdueNone}</Text>
            )}
          </Section>
        )}
        {d && tab === 'auto' && (
          <Section title={messages.autoTotal(d.auto?.total ?? 0)}>
            {d.auto?.items.length ? (
              d.auto.items.map((r: UnitReportRow) =>
                r.unit.kind === 'school' ? (
                  <SchoolRow
                    key={r.id}
                    s={r.unit}
                    period={d.period}
                    extra={`${r.unit.regionName} · ${messages.autoAt(formatTime(r.submittedAt))}`}
                  />
                ) : (
                  <View
                    key={r.id}
                    className="row"
                    data-row={r.unit.id}
                    onClick={() =>
                      Taro.navigateTo({
                        url: `/pages/region-unit-report/index?kind=region&id=${r.unit.id}&period=${d.period}`,
                      })
                    }
                  >
                    <View className="row-main">
                      <Text className="row-title">{r.unit.name}</Text>
                      <Text className="muted">{messages.autoAt(formatTime(r.submittedAt))}</Text>
                    </View>
                    <Text className="row-arrow">›</Text>
                  </View>
                ),
              )
            ) : (
              <Text className="muted pad block">{messages.autoNone}</Text>
            )}
          </Section>
        )}
      </PageState>
    </View>
  );
}

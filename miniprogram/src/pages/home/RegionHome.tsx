// Home for region users (seed 000 §4.2, seed 003's drill-down): the working period's progress of the
// bound region — units, submitted, auto-submitted, overdue, rate — with its direct children as rows,
// lowest rate first; tap a row to drill down, the breadcrumb to go back up. The region's own report
// state and window. Refreshes on pull-down and by polling, without reloading the app.
import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Tag } from '@nutui/nutui-react-taro';
import { formatRate, NATIONAL_CODE, opensAtLabel, periodLabel } from '@eduprogress/shared';
import { useState } from 'react';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import TabBar from '../../components/TabBar';
import { formatDeadline } from '../../services/periods';
import PeriodSwitch from '../../components/PeriodSwitch';
import { fetchProgress, regionPeriod, type Progress, type ProgressRow } from '../../services/region';
import { menuFor } from '../../services/region-menu';
import { HOME_PAGE } from '../../services/routes';
import type { BindingView } from '../../services/session';
import { usePolling, useReloadOn } from '../../services/use-polling';
import { useResource } from '../../services/use-resource';
import { STATE_TAG } from '../../components/state-tag';

const messages = {
  progress: (period: string) => `${periodLabel(period)} 上报进度`,
  units: '应报',
  submitted: '已报',
  autoSubmitted: '自动上报',
  overdue: '逾期',
  rate: '上报率',
  ownReport: '本级报表',
  window: '本级上报时间',
  children: '下级上报情况（按上报率由低到高）',
  noChildren: '没有下级单位',
  tasks: '功能',
  updatedAt: (t: string) => `已更新 ${t}`,
  schoolsOf: (n: number) => `${n} 所`,
};

interface Loaded {
  period: string;
  /** The period the region works on, and the one being reported up (the same inside the windows). */
  working: string;
  reported: string;
  /** Items waiting in each period (the worklist), shown on the period tabs. */
  pending: Record<string, number>;
  window?: { opensAt: string; closesAt: string };
  progress: Progress;
  at: string;
}

/** Rows lowest rate first (regions with nothing to report last), then by name. */
export function byRate(rows: ProgressRow[]): ProgressRow[] {
  const key = (r: ProgressRow) => (r.rate === null ? 200 : r.rate);
  return [...rows].sort((a, b) => key(a) - key(b) || a.name.localeCompare(b.name, 'zh-CN'));
}

function clock(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(11, 19);
}

export default function RegionHome({ binding }: { binding: BindingView }) {
  const home = binding.regionCode!;
  // The drill-down trail below the bound region (the region shown is the last one).
  const [trail, setTrail] = useState<{ code: string; name: string }[]>([]);
  const [homeName, setHomeName] = useState('');
  // The period worked on, or the one being reported up (what the bot's 进度 shows between windows).
  const [chosen, setChosen] = useState<string>();
  const code = trail.length ? trail[trail.length - 1].code : home;
  const res = useResource<Loaded>(async () => {
    // Lands where the bound region's work is (its worklist), not on an empty coming period.
    const { period, working, reported, periods, pending } = await regionPeriod(chosen, home);
    const progress = await fetchProgress(code, period);
    if (progress.region.code === home) setHomeName(progress.region.name);
    const w = periods.working;
    return {
      period,
      working,
      reported,
      pending,
      window:
        period === working && w?.opensAt
          ? { opensAt: String(w.opensAt), closesAt: String(w.closesAt) }
          : undefined,
      progress,
      at: clock(),
    };
  });
  usePolling(res.refresh);
  useReloadOn(res.reload, [code, chosen]);
  const d =
    res.data?.progress.region.code === code && (!chosen || res.data.period === chosen) ? res.data : undefined;
  const p = d?.progress;
  const crumbs = [{ code: home, name: homeName }, ...trail];
  const open = (row: ProgressRow) => {
    if (row.direct)
      Taro.navigateTo({ url: `/pages/region-schools/index?region=${p!.region.code}&direct=true` });
    else setTrail([...trail, { code: row.code, name: row.name }]);
  };
  const stats: [string, string | number, string?][] = p
    ? [
        [messages.units, p.totals.units],
        [messages.submitted, p.totals.submitted],
        [messages.autoSubmitted, p.totals.autoSubmitted],
        [messages.overdue, p.totals.overdue, p.totals.overdue ? 'stat-bad' : ''],
        [messages.rate, formatRate(p.totals.rate)],
      ]
    : [];
  return (
    <View className="page with-tabbar home region-home">
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
        {p && d && (
          <>
            {crumbs.length > 1 && (
              <View className="crumbs">
                {crumbs.map((c, i) => (
                  <Text
                    key={c.code}
                    className={`crumb${i === crumbs.length - 1 ? ' crumb-on' : ''}`}
                    onClick={() => i < crumbs.length - 1 && setTrail(trail.slice(0, i))}
                  >
                    {i ? ' › ' : ''}
                    {c.name}
                  </Text>
                ))}
              </View>
            )}
            <Section
              title={
                <Text className="school-name">{`${p.region.name} · ${messages.progress(p.period)}`}</Text>
              }
            >
              <View className="stats">
                {stats.map(([k, v, cls]) => (
                  <View key={k} className="stat">
                    <Text className={`stat-value ${cls ?? ''}`}>{v}</Text>
                    <Text className="stat-key">{k}</Text>
                  </View>
                ))}
              </View>
              {/* The national level files no report of its own (provinces report to it): no row. */}
              {code !== NATIONAL_CODE && (
                <>
                  <View
                    className="kv"
                    data-row="own-report"
                    onClick={() =>
                      // A drilled-down region's own report opens read-only (its upper level may act on it).
                      trail.length &&
                      Taro.navigateTo({
                        url: `/pages/region-unit-report/index?kind=region&id=${code}&period=${d.period}`,
                      })
                    }
                  >
                    <Text className="kv-key">{messages.ownReport}</Text>
                    <Tag className="state-tag" type={STATE_TAG[p.report.state] ?? 'default'}>
                      {p.report.stateLabel}
                      {p.report.autoSubmitted ? `（${messages.autoSubmitted}）` : ''}
                    </Tag>
                  </View>
                  {!trail.length && d.window && (
                    <View className="kv">
                      <Text className="kv-key">{messages.window}</Text>
                      <Text className="kv-value">
                        <Text className="unbroken">{opensAtLabel(d.window.opensAt)}</Text> 至{' '}
                        <Text className="unbroken">{formatDeadline(d.window.closesAt)}</Text>
                      </Text>
                    </View>
                  )}
                </>
              )}
              <Text className="muted pad block">{messages.updatedAt(d.at)}</Text>
            </Section>
            {!trail.length && (
              <Section title={messages.tasks}>
                <View className="grid">
                  {menuFor(binding.role, home).map((e) => (
                    <View
                      key={e.key}
                      className="grid-item"
                      data-menu={e.key}
                      onClick={() => Taro.navigateTo({ url: e.path })}
                    >
                      <Text>{e.title}</Text>
                    </View>
                  ))}
                </View>
              </Section>
            )}
            <Section title={messages.children}>
              {p.children.filter((c) => c.units || !c.direct).length ? (
                byRate(p.children.filter((c) => c.units || !c.direct)).map((c) => (
                  <View key={c.code} className="row" data-row={c.code} onClick={() => open(c)}>
                    <View className="row-main">
                      <Text className="row-title">{c.name}</Text>
                      <Text className="muted">
                        {messages.submitted} {c.submitted}/{c.units}
                        {c.autoSubmitted ? ` · ${messages.autoSubmitted} ${c.autoSubmitted}` : ''}
                        {c.overdue ? ` · ${messages.overdue} ${c.overdue}` : ''}
                        {c.report ? ` · ${c.report.stateLabel}` : ''}
                      </Text>
                    </View>
                    <Text className="row-rate">{formatRate(c.rate)}</Text>
                    <Text className="row-arrow">›</Text>
                  </View>
                ))
              ) : (
                <Text className="muted pad block">{messages.noChildren}</Text>
              )}
            </Section>
          </>
        )}
      </PageState>
      <TabBar current={HOME_PAGE} />
    </View>
  );
}

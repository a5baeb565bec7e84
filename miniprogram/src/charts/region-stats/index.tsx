// 数据统计 (issue 13, seed 000 part 5 and §4.3 三): category tabs and their pages, the region's figures,
// its direct children and the 直属学校 row (tap a child to drill down, the breadcrumb goes back up),
// filters by school type and 城乡类型, a period picker, a bar chart of the children and the trend over
// the last 8 periods for a chosen indicator, and the schools behind a figure (list mode). Labels come
// from the shared indicator declarations.
import Taro from '@tarojs/taro';
import { Picker, View, Text } from '@tarojs/components';
import { useMemo, useRef, useState } from 'react';
import {
  INDICATOR_CATEGORIES,
  periodLabel,
  periodShortLabel,
  SCHOOL_TYPES,
  statisticsUnitsLabel,
  statisticsUnitsNote,
  URBAN_RURAL_TYPES,
} from '@eduprogress/shared';
import Breadcrumb from '../../components/Breadcrumb';
import Chart from '../../components/Chart';
import Chips from '../../components/Chips';
import DataTable from '../../components/DataTable';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import { activeBinding, requireSession } from '../../services/account';
import {
  fetchChart,
  fetchStatistics,
  listQuery,
  recentPeriods,
  type IndicatorInfo,
  type StatsFilters,
  type StatsRow,
} from '../../services/region-stats';
import { REGION_STATS_SCHOOLS_PAGE } from '../../services/routes';
import { useReloadOn } from '../../services/use-reload';
import { useResource } from '../../services/use-resource';
import './index.css';

const messages = {
  allTypes: '全部学校类型',
  allUrbanRural: '全部',
  urbanRural: '城乡',
  period: (p: string) => `期次：${periodLabel(p)}`,
  schoolType: (t: string) => `学校类型：${t}`,
  figures: (region: string, period: string) => `${region} · ${periodLabel(period)}`,
  schools: '学校明细',
  hitSchools: '计入的学校',
  byChild: '各下级地区',
  swipe: '← 表格可左右滑动查看全部列 →',
  region: '地区',
  bars: (label: string) => `${label}（各下级）`,
  trend: (label: string) => `${label}（最近 8 期）`,
  distribution: '分布统计，见学校明细',
  noChart: '请选择一个指标查看统计图',
};

const chartable = (d: IndicatorInfo) => d.kind !== 'distribution';

export default function RegionStatsPage() {
  const home = activeBinding(requireSession())?.regionCode ?? '';
  const [code, setCode] = useState(home);
  const [category, setCategory] = useState<string>(INDICATOR_CATEGORIES[0].key);
  const [page, setPage] = useState(INDICATOR_CATEGORIES[0].pages[0].key);
  const [filters, setFilters] = useState<StatsFilters>({ schoolType: '', urbanRural: '', period: '' });
  const [picked, setPicked] = useState('');
  const key = JSON.stringify([code, category, page, filters, picked]);
  const res = useResource(async () => {
    const stats = await fetchStatistics(code, category, page, filters);
    const indicator =
      stats.indicators.find((d) => d.key === picked && chartable(d)) ?? stats.indicators.find(chartable);
    const chart = indicator ? await fetchChart(code, indicator.key, filters) : null;
    return { stats, chart };
  });
  useReloadOn(key, res.reload);
  const current = res.data;

  const cat = INDICATOR_CATEGORIES.find((c) => c.key === category)!;
  // The period picker offers the server's default period (the first answer's) and the 7 before it.
  const newest = useRef('');
  if (current && !newest.current) newest.current = current.stats.period;
  const periods = useMemo(() => (newest.current ? recentPeriods(newest.current) : []), [newest.current]);
  const s = current?.stats;
  const chart = current?.chart;
  const shown = s?.indicators.filter(chartable) ?? [];
  const openList = (q: { indicator?: string; direct?: boolean; region?: string; hit?: boolean }) =>
    Taro.navigateTo({
      url: `${REGION_STATS_SCHOOLS_PAGE}?${Object.entries({
        region: q.region ?? code,
        ...listQuery({
          region: q.region ?? code,
          category,
          indicator: q.indicator ?? '',
          direct: !!q.direct,
          hit: !!q.hit,
          ...filters,
        }),
      })
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
        .join('&')}`,
    });

  return (
    <View className="page region-stats">
      <Chips
        name="category"
        options={INDICATOR_CATEGORIES.map((c) => ({ value: c.key, text: c.label }))}
        value={category}
        onChange={(v) => {
          setCategory(v);
          setPage(INDICATOR_CATEGORIES.find((c) => c.key === v)!.pages[0].key);
          setPicked('');
        }}
      />
      {cat.pages.length > 1 && (
        <Chips
          name="page"
          options={cat.pages.map((p) => ({ value: p.key, text: p.label }))}
          value={page}
          onChange={(v) => {
            setPage(v);
            setPicked('');
          }}
        />
      )}
      <View className="pickers">
        <Picker
          mode="selector"
          range={[messages.allTypes, ...SCHOOL_TYPES]}
          onChange={(e) => {
            const i = Number(e.detail.value);
            setFilters({ ...filters, schoolType: i === 0 ? '' : SCHOOL_TYPES[i - 1] });
          }}
        >
          <View className="picker">{messages.schoolType(filters.schoolType || messages.allTypes)}</View>
        </Picker>
        <Picker
          mode="selector"
          range={periods.map(periodLabel)}
          onChange={(e) => setFilters({ ...filters, period: periods[Number(e.detail.value)] })}
        >
          <View className="picker">{messages.period(filters.period || s?.period || '')}</View>
        </Picker>
      </View>
      <Chips
        name="urbanRural"
        label={messages.urbanRural}
        all={messages.allUrbanRural}
        options={URBAN_RURAL_TYPES.map((t) => ({ value: t, text: t }))}
        value={filters.urbanRural}
        onChange={(v) => setFilters({ ...filters, urbanRural: v })}
      />
      <PageState loading={res.loading && !s} error={res.error} onRetry={res.reload}>
        {s && (
          <>
            <Breadcrumb items={s.breadcrumb} onPick={setCode} />
            <Section
              title={<Text className="wrap">{messages.figures(s.region.name, s.period)}</Text>}
              extra={
                <Text className="figure-link" onClick={() => openList({})}>
                  {messages.schools}
                </Text>
              }
            >
              <Text className="pad block units-line" data-units={s.total.units}>
                {statisticsUnitsLabel(s.total, s.category.regionReports)}
              </Text>
              <Text className="muted block units-note">
                {statisticsUnitsNote(s.category.label, s.category.schoolTypes, s.category.regionReports)}
              </Text>
              {s.indicators.map((d) => {
                const v = s.total.values[d.key];
                const on = chart?.indicator.key === d.key;
                return (
                  <View key={d.key}>
                    <View
                      className={`figure-row${on ? ' figure-row-on' : ''}`}
                      data-indicator={d.key}
                      onClick={() => chartable(d) && setPicked(d.key)}
                    >
                      <Text className="figure-label">{d.label}</Text>
                      <Text className="figure-num">
                        {d.kind === 'distribution' ? messages.distribution : v?.display}
                      </Text>
                    </View>
                    {d.kind === 'distribution' &&
                      v?.entries?.slice(0, 6).map((e) => (
                        <Text key={e.path.join('/')} className="dist-line">
                          {e.path.join(' · ')}：{e.count}
                          {e.share === null ? '' : `（${e.share}%）`}
                        </Text>
                      ))}
                  </View>
                );
              })}
            </Section>
            {chart && (
              <Section
                title={chart.indicator.label}
                extra={
                  chart.indicator.source === 'school' && (
                    <Text
                      className="figure-link"
                      onClick={() => openList({ indicator: chart.indicator.key, hit: true })}
                    >
                      {messages.hitSchools}
                    </Text>
                  )
                }
              >
                <Chart
                  kind="bar"
                  title={messages.bars(chart.indicator.unit)}
                  unit={chart.indicator.unit}
                  points={chart.bars.map((b) => ({ label: b.name, value: b.value }))}
                  onPick={(i) => !chart.bars[i].direct && setCode(chart.bars[i].code)}
                />
                <Chart
                  kind="line"
                  title={messages.trend(chart.indicator.unit)}
                  unit={chart.indicator.unit}
                  points={chart.trend.map((t) => ({ label: periodShortLabel(t.period), value: t.value }))}
                />
              </Section>
            )}
            <Section title={messages.byChild}>
              {shown.length > 2 && <Text className="muted block swipe-hint">{messages.swipe}</Text>}
              <DataTable<StatsRow>
                rows={s.children}
                rowKey={(r) => r.code}
                name={{ key: 'name', title: messages.region, render: (r) => <Text>{r.name}</Text> }}
                columns={shown.map((d) => ({
                  key: d.key,
                  title: d.label,
                  width: 190,
                  render: (r: StatsRow) => <Text>{r.values[d.key]?.display ?? '—'}</Text>,
                }))}
                onRow={(r) => (r.direct ? openList({ direct: true }) : setCode(r.code))}
              />
            </Section>
          </>
        )}
      </PageState>
    </View>
  );
}

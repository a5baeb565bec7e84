// 学校管理 (seed 000 §2.4, seed 003 part 1): the schools of the region with the seed's filters — type,
// status, initialized, reported, suspected issue, ownership, last update, direct only, name. A school
// opens its page (admin account, project-school confirmation, report).
import Taro, { useRouter } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import {
  periodLabel,
  REPORT_STATE_LABELS,
  SCHOOL_OWNERSHIPS,
  SCHOOL_STATUSES,
  SCHOOL_TYPES,
} from '@eduprogress/shared';
import { useState } from 'react';
import Choice from '../../components/Choice';
import Field from '../../components/Field';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import { activeBinding, requireSession } from '../../services/account';
import { fetchSchools, regionPeriod } from '../../services/region';
import { useReloadOn } from '../../services/use-polling';
import { useResource } from '../../services/use-resource';

const messages = {
  name: '学校名称',
  namePlaceholder: '输入名称关键字',
  filters: '筛选',
  hide: '收起筛选',
  all: '全部',
  type: '学校类型',
  status: '学校状态',
  initialized: '初始化',
  reported: '本期填报',
  issue: '疑似问题',
  ownership: '办别',
  updated: '最后更新',
  direct: '只看直管',
  yes: '是',
  no: '否',
  issues: { any: '有', none: '无', basic: '基础信息', report: '填报信息' },
  total: (n: number, period: string) => `共 ${n} 所 · ${periodLabel(period)}`,
  empty: '没有符合条件的学校',
  notInitialized: '未初始化',
  notReported: '未填报',
  more: '加载更多',
};

type Filters = Record<string, string | undefined>;

const yesNo = [
  { value: '', text: messages.all },
  { value: 'true', text: messages.yes },
  { value: 'false', text: messages.no },
];
const options = (list: readonly string[]) => [
  { value: '', text: messages.all },
  ...list.map((v) => ({ value: v, text: v })),
];

/** The last six months as `YYYY-MM`, newest first (for 最后更新). */
function lastMonths(nowIso: string): string[] {
  const d = new Date(Date.parse(nowIso) + 8 * 3600_000);
  return Array.from({ length: 6 }, (_, i) =>
    new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - i, 1)).toISOString().slice(0, 7),
  );
}

export default function SchoolsPage() {
  const { params } = useRouter();
  const binding = activeBinding(requireSession());
  const region = params.region ?? binding?.regionCode ?? '';
  const [filters, setFilters] = useState<Filters>({ direct: params.direct === 'true' ? 'true' : '' });
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const [pageSize, setPageSize] = useState(50);
  const res = useResource(async () => {
    const { period, periods } = await regionPeriod();
    const list = await fetchSchools({
      region,
      period,
      q: q.trim() || undefined,
      pageSize,
      ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)),
    });
    return { ...list, months: lastMonths(periods.now) };
  });
  useReloadOn(res.reload, [filters, pageSize, q]);
  const set = (k: string) => (v: string) => setFilters({ ...filters, [k]: v });
  const d = res.data;
  const choice = (k: string, label: string, opts: { value: string; text: string }[]) => (
    <Choice name={k} label={label} options={opts} value={filters[k] ?? ''} onChange={set(k)} />
  );
  return (
    <View className="page schools">
      <Section>
        <Field
          name="q"
          label={messages.name}
          value={q}
          placeholder={messages.namePlaceholder}
          onInput={setQ}
        />
        {open && (
          <>
            {choice('type', messages.type, options(SCHOOL_TYPES))}
            {choice('status', messages.status, options(SCHOOL_STATUSES))}
            {choice('initialized', messages.initialized, yesNo)}
            {choice('reported', messages.reported, yesNo)}
            {choice('issue', messages.issue, [
              { value: '', text: messages.all },
              ...Object.entries(messages.issues).map(([value, text]) => ({ value, text })),
            ])}
            {choice('ownership', messages.ownership, options(SCHOOL_OWNERSHIPS))}
            {choice('updatedMonth', messages.updated, options(d?.months ?? []))}
            {choice('direct', messages.direct, yesNo.slice(0, 2))}
          </>
        )}
        <View className="button-row">
          <Button size="large" onClick={() => setOpen(!open)}>
            {open ? messages.hide : messages.filters}
          </Button>
        </View>
      </Section>
      <PageState
        loading={res.loading}
        error={res.error}
        onRetry={res.reload}
        empty={!d?.items.length}
        emptyText={messages.empty}
      >
        {d && (
          <Section title={messages.total(d.total, d.period)}>
            {d.items.map((s) => (
              <View
                key={s.id}
                className="row"
                data-row={s.id}
                onClick={() => Taro.navigateTo({ url: `/pages/region-school/index?id=${s.id}` })}
              >
                <View className="row-main">
                  <Text className="row-title">{s.name}</Text>
                  <Text className="muted">
                    {s.type} · {s.status} ·{' '}
                    {s.initialized
                      ? s.reportState
                        ? REPORT_STATE_LABELS[s.reportState]
                        : messages.notReported
                      : messages.notInitialized}
                    {s.issueFlags.basic.length + s.issueFlags.report.length
                      ? ` · ${messages.issue} ${s.issueFlags.basic.length + s.issueFlags.report.length}`
                      : ''}
                  </Text>
                </View>
                <Text className="row-arrow">›</Text>
              </View>
            ))}
            {d.total > d.items.length && (
              <View className="button-row">
                <Button size="large" onClick={() => setPageSize(Math.min(200, pageSize + 50))}>
                  {messages.more}
                </Button>
              </View>
            )}
          </Section>
        )}
      </PageState>
    </View>
  );
}

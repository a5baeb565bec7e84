// 列表模式 (seed 000 §4.3 三): the schools behind a statistics figure, with the values they reported
// and each indicator for the school alone, 20 a page; export of the whole list as XLSX. Opened from the
// statistics page with its region, category, indicator and filters in the URL.
import { useRouter } from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { View, Text } from '@tarojs/components';
import { useState } from 'react';
import {
  INDICATOR_CATEGORIES,
  schoolListFileName,
  schoolListNote,
  schoolListTitle,
} from '@eduprogress/shared';
import '../../components/kit.css';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import Pager from '../../components/Pager';
import { fetchSchoolPage, listQuery, type SchoolListQuery } from '../../services/region-stats';
import { downloadFile } from '../../services/transfer';
import { useReloadOn } from '../../services/use-reload';
import { useResource } from '../../services/use-resource';

const messages = {
  export: '导出 Excel',
  empty: '没有符合条件的学校',
};

const PAGE_SIZE = 20;

function queryFromUrl(p: Record<string, string | undefined>): SchoolListQuery {
  return {
    region: p.region ?? '',
    category: p.category ?? '',
    indicator: p.indicator ?? '',
    direct: p.direct === 'true',
    hit: p.hit === 'true',
    schoolType: p.schoolType ? decodeURIComponent(p.schoolType) : '',
    urbanRural: p.urbanRural ? decodeURIComponent(p.urbanRural) : '',
    period: p.period ?? '',
  };
}

const show = (v: unknown) =>
  v === null || v === undefined ? '—' : typeof v === 'boolean' ? (v ? '是' : '否') : String(v);

export default function RegionStatsSchoolsPage() {
  const q = queryFromUrl(useRouter().params);
  const [page, setPage] = useState(1);
  const res = useResource(() => fetchSchoolPage(q, page, PAGE_SIZE));
  useReloadOn(String(page), res.reload);
  const d = res.data;
  const pages = d ? Math.max(1, Math.ceil(d.total / d.pageSize)) : 1;
  const categoryLabel = INDICATOR_CATEGORIES.find((c) => c.key === q.category)?.label ?? '';
  const focus = d?.columns.indicators.find((c) => c.key === q.indicator);
  return (
    <View className="page region-stats-schools">
      <PageState loading={res.loading} error={res.error} onRetry={res.reload}>
        {d && (
          <Section
            title={
              <Text className="wrap" data-total={d.total}>
                {schoolListTitle(d.region.name, d.period, categoryLabel, d.total)}
              </Text>
            }
            extra={
              <Button
                size="small"
                type="primary"
                onClick={() =>
                  downloadFile(
                    `/regions/${q.region}/statistics/schools/export`,
                    schoolListFileName(d.region.name, d.period, categoryLabel),
                    listQuery(q),
                  ).catch(() => undefined)
                }
              >
                {messages.export}
              </Button>
            }
          >
            <Text className="muted pad block list-note">{schoolListNote(focus?.label ?? null, q.hit)}</Text>
            {d.items.length === 0 && <Text className="muted pad block">{messages.empty}</Text>}
            {d.items.map((s) => (
              <View key={s.schoolId} className="list-item" data-school={s.schoolId}>
                <Text className="list-item-title">{s.name}</Text>
                <Text className="list-item-meta">
                  {s.regionName} · {s.type} · {s.urbanRural}
                </Text>
                {d.columns.indicators
                  .filter((c) => !q.indicator || c.key === q.indicator)
                  .map((c) => (
                    <Text key={c.key} className="list-item-meta">
                      {c.label}：{show(s.values[c.key])}
                      {s.values[c.key] === null ? '' : c.unit === '%' ? '%' : ` ${c.unit}`}
                    </Text>
                  ))}
                {/* The reported fields behind one indicator; a whole category lists its indicators only. */}
                {q.indicator &&
                  d.columns.fields.map((f) => (
                    <Text key={f.key} className="list-item-meta">
                      {f.label}：{show(s.fields[f.key])}
                    </Text>
                  ))}
              </View>
            ))}
            <Pager page={page} pages={pages} onPage={setPage} />
          </Section>
        )}
      </PageState>
    </View>
  );
}

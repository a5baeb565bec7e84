// 研修学时统计 for regions (seed 003 part 3 §2.2–2.5): per training, the by-region table (参训人数, 参训率,
// 学习人数, 学习率, 人均学时, 完成学时人数, 完成人数占比, 未完成…) of the region, its children and 直属学校
// with the 包含未认证教师 switch and stage/subject filters; tap a child to drill down (breadcrumb back
// up), 直属学校 to its teachers; a bar or line chart of the children for a chosen indicator; the
// by-teacher list with name search and paging; exports of both as XLSX.
import { Picker, View, Text } from '@tarojs/components';
import { Button, Input, Switch, Tag } from '@nutui/nutui-react-taro';
import { useRef, useState } from 'react';
import { TEACHER_STAGES, TEACHER_SUBJECTS, formatPercent, type TrainingStatsRow } from '@eduprogress/shared';
import Breadcrumb from '../../components/Breadcrumb';
import Chart from '../../components/Chart';
import Chips from '../../components/Chips';
import DataTable, { type Column } from '../../components/DataTable';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import Pager from '../../components/Pager';
import { request } from '../../services/request';
import { downloadFile } from '../../services/transfer';
import { useReloadOn } from '../../services/use-reload';
import { useResource } from '../../services/use-resource';

const messages = {
  empty: '暂无培训',
  byRegion: '按区域',
  byTeacher: '按学员',
  unverified: '包含未认证教师',
  allStages: '全部学段',
  allSubjects: '全部学科',
  subject: (s: string) => `学科：${s}`,
  region: '地区',
  export: '导出 Excel',
  chart: '统计图',
  bar: '柱状图',
  line: '折线图',
  search: '按姓名搜索',
  searchButton: '搜索',
  none: '没有符合条件的学员',
  completed: '已完成',
  notCompleted: '未完成',
  unverifiedTag: '未认证',
  teacherMeta: (t: TeacherRow) => `${t.region} · ${t.school}`,
  teacherLine: (t: TeacherRow) => `${t.stage} · ${t.subject} · 学时 ${t.hours} · 学习时长 ${t.studyTime}`,
  teachersTitle: (label: string, n: number) => `${label} · 共 ${n} 人`,
  statsFile: (training: string, region: string) => `${training}-${region}-按区域统计.xlsx`,
  teachersFile: (training: string, region: string) => `${training}-${region}-学员明细.xlsx`,
  direct: (region: string) => `${region}直属学校`,
  cap: (n: number, status: string) => `学时上限 ${n} · ${status}`,
};

interface TrainingItem {
  id: string;
  name: string;
  statusLabel: string;
  hourCap: number;
}

/** A row of the by-region table (GET /trainings/:id/stats: shared/src/api/views.ts). */
export type TrainingRow = TrainingStatsRow;

interface RegionStats {
  training: TrainingItem;
  region: { code: string; name: string };
  breadcrumb: { code: string; name: string }[];
  total: TrainingRow;
  children: TrainingRow[];
  hint: string | null;
}

interface TeacherRow {
  teacherId: string;
  account: string;
  name: string;
  school: string;
  region: string;
  stage: string;
  subject: string;
  hours: number;
  studyTime: string;
  completed: boolean;
  verified: boolean;
}

const num = (v: number | null) => (v === null ? '—' : String(v));

/** The table's columns in the seed's order: [key, title, how a cell reads]. */
export const TRAINING_COLUMNS: [keyof TrainingRow, string, (r: TrainingRow) => string][] = [
  ['participants', '参训人数', (r) => String(r.participants)],
  ['participationRate', '参训率', (r) => formatPercent(r.participationRate)],
  ['learners', '学习人数', (r) => String(r.learners)],
  ['learnRate', '学习率', (r) => formatPercent(r.learnRate)],
  ['avgHours', '人均学时', (r) => num(r.avgHours)],
  ['completers', '完成学时人数', (r) => String(r.completers)],
  ['completionRate', '完成人数占比', (r) => formatPercent(r.completionRate)],
  ['nonCompleters', '未完成学时人数', (r) => String(r.nonCompleters)],
  ['nonCompletionRate', '未完成人数占比', (r) => formatPercent(r.nonCompletionRate)],
];

/** Indicators the chart offers (a rate's unit is %). */
const CHART_KEYS: (keyof TrainingRow)[] = [
  'participants',
  'participationRate',
  'learnRate',
  'avgHours',
  'completionRate',
];
const RATE_KEYS = new Set<keyof TrainingRow>([
  'participationRate',
  'learnRate',
  'completionRate',
  'nonCompletionRate',
]);

const PAGE_SIZE = 20;

export default function RegionTrainingPage() {
  const [trainingId, setTrainingId] = useState('');
  const [mode, setMode] = useState<'region' | 'teacher'>('region');
  // '' until a drill-down picks one: the server then starts at the caller's region, or at the training's
  // own scope when that lies below it (a national admin opening a province's training).
  const [region, setRegion] = useState('');
  const [direct, setDirect] = useState(false);
  const [includeUnverified, setIncludeUnverified] = useState(true);
  const [stage, setStage] = useState('');
  const [subject, setSubject] = useState('');
  const [typed, setTyped] = useState('');
  const [name, setName] = useState('');
  const [page, setPage] = useState(1);
  const [indicator, setIndicator] = useState<keyof TrainingRow>('participants');
  const [chartKind, setChartKind] = useState<'bar' | 'line'>('bar');
  const filters = { region: region || undefined, stage: stage || undefined, subject: subject || undefined };
  const key = JSON.stringify([
    trainingId,
    mode,
    region,
    direct,
    includeUnverified,
    stage,
    subject,
    name,
    page,
  ]);
  const res = useResource(async () => {
    const list = await request<{ items: TrainingItem[] }>('/trainings', { silent: true });
    const training = list.items.find((t) => t.id === trainingId) ?? list.items[0];
    if (!training) return { trainings: list.items, training };
    if (mode === 'region') {
      const stats = await request<RegionStats>(`/trainings/${training.id}/stats`, {
        silent: true,
        query: { ...filters, includeUnverified },
      });
      return { trainings: list.items, training, stats };
    }
    const teachers = await request<{ items: TeacherRow[]; total: number }>(
      `/trainings/${training.id}/teachers`,
      {
        silent: true,
        query: { ...filters, direct: direct || undefined, q: name || undefined, page, pageSize: PAGE_SIZE },
      },
    );
    return { trainings: list.items, training, teachers };
  });
  useReloadOn(key, res.reload);
  const d = res.data;
  const label = (k: keyof TrainingRow) => TRAINING_COLUMNS.find((c) => c[0] === k)![1];
  const columns: Column<TrainingRow>[] = TRAINING_COLUMNS.map(([k, title, read]) => ({
    key: k,
    title,
    width: 170,
    render: (r: TrainingRow) => <Text>{read(r)}</Text>,
  }));
  const pick = (r: TrainingRow) => {
    setPage(1);
    if (r.drill.view === 'stats') setRegion(r.drill.region);
    else {
      setRegion(r.drill.region);
      setDirect(!!r.drill.direct);
      setMode('teacher');
    }
  };
  const pages = d?.teachers ? Math.max(1, Math.ceil(d.teachers.total / PAGE_SIZE)) : 1;
  const regionName = d?.stats?.region.name ?? '';
  // Region names seen in the by-region view, so the by-teacher export is named by name, not code.
  const names = useRef<Record<string, string>>({});
  if (d?.stats) {
    // Before any drill-down (`region` '') the server chose the top: its name goes by '' too.
    if (!region) names.current[''] ??= d.stats.region.name;
    for (const r of [d.stats.region, ...d.stats.children]) names.current[r.code] ??= r.name;
  }
  const scopeName = names.current[region] ?? region;

  return (
    <View className="page region-training">
      <PageState
        loading={res.loading}
        error={res.error}
        onRetry={res.reload}
        empty={!!d && !d.training}
        emptyText={messages.empty}
      >
        {d?.training && (
          <>
            <Chips
              name="training"
              options={d.trainings.map((t) => ({ value: t.id, text: t.name }))}
              value={d.training.id}
              onChange={(v) => {
                setTrainingId(v);
                setPage(1);
              }}
            />
            <Chips
              name="mode"
              options={[
                { value: 'region', text: messages.byRegion },
                { value: 'teacher', text: messages.byTeacher },
              ]}
              value={mode}
              onChange={(v) => {
                setMode(v as 'region' | 'teacher');
                setDirect(false);
                setPage(1);
              }}
            />
            <Chips
              name="stage"
              all={messages.allStages}
              options={TEACHER_STAGES.map((s) => ({ value: s, text: s }))}
              value={stage}
              onChange={(v) => {
                setStage(v);
                setPage(1);
              }}
            />
            <View className="toolbar">
              <Picker
                mode="selector"
                range={[messages.allSubjects, ...TEACHER_SUBJECTS]}
                onChange={(e) => {
                  const i = Number(e.detail.value);
                  setSubject(i === 0 ? '' : TEACHER_SUBJECTS[i - 1]);
                  setPage(1);
                }}
              >
                <View className="chip">{messages.subject(subject || messages.allSubjects)}</View>
              </Picker>
              {mode === 'region' && (
                <View className="switch-row" data-switch="unverified">
                  <Text>{messages.unverified}</Text>
                  <Switch checked={includeUnverified} onChange={(v) => setIncludeUnverified(v)} />
                </View>
              )}
            </View>
            {d.stats && (
              <>
                <Breadcrumb items={d.stats.breadcrumb} onPick={setRegion} />
                <Section
                  title={<Text className="wrap">{d.training.name}</Text>}
                  extra={
                    <Button
                      size="small"
                      type="primary"
                      onClick={() =>
                        downloadFile(
                          `/trainings/${d.training!.id}/stats/export`,
                          messages.statsFile(d.training!.name, regionName),
                          { ...filters, includeUnverified },
                        ).catch(() => undefined)
                      }
                    >
                      {messages.export}
                    </Button>
                  }
                >
                  <Text className="muted pad block">
                    {messages.cap(d.training.hourCap, d.training.statusLabel)}
                  </Text>
                  {d.stats.hint && <Text className="muted pad block">{d.stats.hint}</Text>}
                  <DataTable<TrainingRow>
                    total={d.stats.total}
                    rows={d.stats.children}
                    rowKey={(r) => `${r.kind}-${r.code}`}
                    name={{ key: 'name', title: messages.region, render: (r) => <Text>{r.name}</Text> }}
                    columns={columns}
                    onRow={pick}
                    canTap={(r) => r !== d.stats!.total}
                  />
                </Section>
                {d.stats.children.length > 0 && (
                  <Section title={messages.chart}>
                    <Chips
                      name="indicator"
                      options={CHART_KEYS.map((k) => ({ value: k, text: label(k) }))}
                      value={indicator}
                      onChange={(v) => setIndicator(v as keyof TrainingRow)}
                    />
                    <Chips
                      name="chartKind"
                      options={[
                        { value: 'bar', text: messages.bar },
                        { value: 'line', text: messages.line },
                      ]}
                      value={chartKind}
                      onChange={(v) => setChartKind(v as 'bar' | 'line')}
                    />
                    <Chart
                      kind={chartKind}
                      unit={RATE_KEYS.has(indicator) ? '%' : ''}
                      title={`${label(indicator)} · ${regionName}`}
                      points={d.stats.children.map((r) => ({
                        label: r.name,
                        value: r[indicator] as number | null,
                      }))}
                      onPick={(i) => pick(d.stats!.children[i])}
                    />
                  </Section>
                )}
              </>
            )}
            {d.teachers && (
              <Section
                title={messages.teachersTitle(d.training.name, d.teachers.total)}
                extra={
                  <Button
                    size="small"
                    type="primary"
                    onClick={() =>
                      downloadFile(
                        `/trainings/${d.training!.id}/teachers/export`,
                        messages.teachersFile(
                          d.training!.name,
                          direct ? messages.direct(scopeName) : scopeName,
                        ),
                        { ...filters, direct: direct || undefined, q: name || undefined },
                      ).catch(() => undefined)
                    }
                  >
                    {messages.export}
                  </Button>
                }
              >
                <View className="toolbar search-row" data-field="teacherName">
                  <Input
                    className="search-input"
                    placeholder={messages.search}
                    value={typed}
                    onChange={(v) => setTyped(v)}
                    onConfirm={() => {
                      setName(typed.trim());
                      setPage(1);
                    }}
                  />
                  <Button
                    size="small"
                    onClick={() => {
                      setName(typed.trim());
                      setPage(1);
                    }}
                  >
                    {messages.searchButton}
                  </Button>
                </View>
                {d.teachers.items.length === 0 && <Text className="muted pad block">{messages.none}</Text>}
                {d.teachers.items.map((t) => (
                  <View key={t.teacherId} className="list-item" data-teacher={t.teacherId}>
                    <Text className="list-item-title">
                      {t.name}（{t.account}）
                    </Text>
                    <View className="tags">
                      <Tag type={t.completed ? 'success' : 'default'}>
                        {t.completed ? messages.completed : messages.notCompleted}
                      </Tag>
                      {!t.verified && <Tag type="warning">{messages.unverifiedTag}</Tag>}
                    </View>
                    <Text className="list-item-meta">{messages.teacherMeta(t)}</Text>
                    <Text className="list-item-meta">{messages.teacherLine(t)}</Text>
                  </View>
                ))}
                <Pager page={page} pages={pages} onPage={setPage} />
              </Section>
            )}
          </>
        )}
      </PageState>
    </View>
  );
}

// The school's training statistics (seed 003): totals and a bar chart of participants by subject.
import { View, Text } from '@tarojs/components';
import { useEffect, useRef, useState } from 'react';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import { activeBinding, requireSession } from '../../services/account';
import { request } from '../../services/request';
import { useResource } from '../../services/use-resource';
import './index.css';

const messages = {
  empty: '暂无培训',
  participants: '参训人数',
  learners: '学习人数',
  completers: '完成人数',
  avgHours: '人均学时',
  completionRate: '完成率',
  bySubject: '各学科参训人数',
  byStage: '各学段',
  cap: (n: number) => `学时上限 ${n}`,
};

interface TrainingItem {
  id: string;
  name: string;
  statusLabel: string;
  hourCap: number;
}

interface Counts {
  participants: number;
  learners: number;
  completers: number;
  avgHours: number;
  completionRate: number | null;
}

interface SchoolStats {
  total: Counts;
  byStage: (Counts & { stage: string })[];
  bySubject: (Counts & { subject: string })[];
}

export default function TrainingStatsPage() {
  const schoolId = activeBinding(requireSession())?.schoolId;
  const [picked, setPicked] = useState<string>();
  const res = useResource(async () => {
    const list = await request<{ items: TrainingItem[] }>('/trainings', { silent: true });
    const training = list.items.find((t) => t.id === picked) ?? list.items[0];
    const stats = training
      ? await request<SchoolStats>(`/trainings/${training.id}/schools/${schoolId}/stats`, { silent: true })
      : null;
    return { trainings: list.items, training, stats };
  });
  const mounted = useRef(false);
  useEffect(() => {
    if (mounted.current) void res.reload();
    mounted.current = true;
  }, [picked]);
  const d = res.data;
  const max = Math.max(1, ...(d?.stats?.bySubject.map((s) => s.participants) ?? [1]));
  return (
    <View className="page training-stats">
      <PageState
        loading={res.loading}
        error={res.error}
        onRetry={res.reload}
        empty={!d?.training}
        emptyText={messages.empty}
      >
        {d?.training && (
          <>
            <View className="training-tabs">
              {d.trainings.map((t) => (
                <Text
                  key={t.id}
                  className={`training-tab${t.id === d.training!.id ? ' training-tab-on' : ''}`}
                  onClick={() => setPicked(t.id)}
                >
                  {t.name}（{t.statusLabel}）
                </Text>
              ))}
            </View>
            {d.stats && (
              <>
                <Section title={<Text className="wrap">{d.training.name}</Text>}>
                  <Text className="muted pad block">{messages.cap(d.training.hourCap)}</Text>
                  <View className="figures">
                    {(
                      [
                        [messages.participants, d.stats.total.participants],
                        [messages.learners, d.stats.total.learners],
                        [messages.completers, d.stats.total.completers],
                        [messages.avgHours, d.stats.total.avgHours],
                        [
                          messages.completionRate,
                          d.stats.total.completionRate === null ? '—' : `${d.stats.total.completionRate}%`,
                        ],
                      ] as [string, string | number][]
                    ).map(([k, v]) => (
                      <View key={k} className="figure">
                        <Text className="figure-value">{v}</Text>
                        <Text className="figure-key">{k}</Text>
                      </View>
                    ))}
                  </View>
                </Section>
                <Section title={messages.bySubject}>
                  {d.stats.bySubject.map((s) => (
                    <View key={s.subject} className="bar-row">
                      <Text className="bar-label">{s.subject}</Text>
                      <View className="bar-track">
                        <View className="bar" style={{ width: `${(s.participants / max) * 100}%` }} />
                      </View>
                      <Text className="bar-value">{s.participants}</Text>
                    </View>
                  ))}
                </Section>
                <Section title={messages.byStage}>
                  {d.stats.byStage.map((s) => (
                    <View key={s.stage} className="kv">
                      <Text className="kv-key">{s.stage}</Text>
                      <Text className="kv-value">
                        {s.participants} 人 · 人均 {s.avgHours} 学时
                      </Text>
                    </View>
                  ))}
                </Section>
              </>
            )}
          </>
        )}
      </PageState>
    </View>
  );
}

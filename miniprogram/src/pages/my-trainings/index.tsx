// A teacher's own trainings: hours against the cap as a progress bar, study time, completed or not.
import { View, Text } from '@tarojs/components';
import { Progress, Tag } from '@nutui/nutui-react-taro';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import TabBar from '../../components/TabBar';
import { requireSession } from '../../services/account';
import { formatTime } from '../../services/periods';
import { request } from '../../services/request';
import { MY_TRAININGS_PAGE } from '../../services/routes';
import { useResource } from '../../services/use-resource';
import './index.css';

const messages = {
  empty: '暂无研修项目',
  hours: (h: number, cap: number) => `已获学时 ${h} / 上限 ${cap}`,
  studyTime: '实际学习时长',
  completed: '已完成',
  notCompleted: '未完成',
  notParticipating: '未参加',
  period: '培训时间',
  updated: '学时更新于',
};

interface MyTraining {
  id: string;
  name: string;
  statusLabel: string;
  startAt: string;
  endAt: string;
  hourCap: number;
  participating: boolean;
  hours: number;
  studyTime: string;
  completed: boolean;
  recordUpdatedAt: string | null;
}

export default function MyTrainingsPage() {
  requireSession();
  const res = useResource(() => request<{ items: MyTraining[] }>('/me/trainings', { silent: true }));
  const items = res.data?.items ?? [];
  return (
    <View className="page with-tabbar my-trainings">
      <PageState
        loading={res.loading}
        error={res.error}
        onRetry={res.reload}
        empty={!items.length}
        emptyText={messages.empty}
      >
        {items.map((t) => (
          <Section
            key={t.id}
            title={<Text className="wrap">{t.name}</Text>}
            extra={
              <Tag type={t.completed ? 'success' : t.participating ? 'warning' : 'default'}>
                {t.completed
                  ? messages.completed
                  : t.participating
                    ? messages.notCompleted
                    : messages.notParticipating}
              </Tag>
            }
          >
            <View className="pad">
              <Text className="hours block">{messages.hours(t.hours, t.hourCap)}</Text>
              <Progress
                color="#1a5fd0"
                percent={Math.min(100, Math.round((t.hours / Math.max(t.hourCap, 1)) * 100))}
                showText
              />
            </View>
            <View className="kv">
              <Text className="kv-key">{messages.studyTime}</Text>
              <Text className="kv-value">{t.studyTime}</Text>
            </View>
            <View className="kv">
              <Text className="kv-key">{messages.period}</Text>
              <Text className="kv-value">
                {t.startAt.slice(0, 10)} 至 {t.endAt.slice(0, 10)}（{t.statusLabel}）
              </Text>
            </View>
            {t.recordUpdatedAt && (
              <View className="kv">
                <Text className="kv-key">{messages.updated}</Text>
                <Text className="kv-value">{formatTime(t.recordUpdatedAt)}</Text>
              </View>
            )}
          </Section>
        ))}
      </PageState>
      <TabBar current={MY_TRAININGS_PAGE} />
    </View>
  );
}

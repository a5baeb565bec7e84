// 用户注册、应用分析 (seed 003 part 2): registered and active users by role (角色列表) for the region and
// each subregion (tap to drill down, the path back on top), and logins per day. Region super admins.
import { View, Text } from '@tarojs/components';
import { useEffect, useRef, useState } from 'react';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import { activeBinding, requireSession } from '../../services/account';
import { request } from '../../services/request';
import { useResource } from '../../services/use-resource';
import './index.css';

const messages = {
  roles: '各角色用户（注册 / 活跃）',
  regions: '各下级地区（注册 / 活跃）',
  logins: (from: string, to: string) => `每日登录次数（${from} 至 ${to}）`,
  activeNote: (days: number) => `活跃：最近 ${days} 天内登录过`,
  total: '合计',
};

type Counts = Record<string, number> & { total: number };
interface UsageRow {
  code: string;
  name: string;
  level: string | null;
  registered: Counts;
  active: Counts;
}
interface Usage {
  region: { code: string; name: string };
  roles: { key: string; label: string }[];
  activeDays: number;
  total: UsageRow;
  children: UsageRow[];
  logins: { from: string; to: string; days: { day: string; logins: number; users: number }[] };
}

export default function UsagePage() {
  const home = activeBinding(requireSession())?.regionCode;
  const [trail, setTrail] = useState<{ code: string; name: string }[]>([]);
  const code = trail.length ? trail[trail.length - 1].code : home;
  const res = useResource(() => request<Usage>(`/regions/${code}/usage`, { silent: true }));
  const mounted = useRef(false);
  useEffect(() => {
    if (mounted.current) void res.reload();
    mounted.current = true;
  }, [code]);
  const d = res.data;
  const max = Math.max(1, ...(d?.logins.days.map((x) => x.logins) ?? [1]));
  return (
    <View className="page usage">
      <PageState loading={res.loading} error={res.error} onRetry={res.reload} empty={!code}>
        {d && (
          <>
            {trail.length > 0 && (
              <View className="usage-crumbs">
                <Text className="usage-crumb" onClick={() => setTrail([])}>
                  ‹ {messages.total}
                </Text>
                {trail.slice(0, -1).map((c, i) => (
                  <Text key={c.code} className="usage-crumb" onClick={() => setTrail(trail.slice(0, i + 1))}>
                    › {c.name}
                  </Text>
                ))}
              </View>
            )}
            <Section title={<Text className="wrap">{`${d.region.name} · ${messages.roles}`}</Text>}>
              <Text className="muted pad block">{messages.activeNote(d.activeDays)}</Text>
              <View className="usage-row">
                <Text className="usage-name">{messages.total}</Text>
                <Text className="usage-figure">
                  {d.total.registered.total} / {d.total.active.total}
                </Text>
              </View>
              {d.roles.map((r) => (
                <View key={r.key} className="usage-row">
                  <Text className="usage-name">{r.label}</Text>
                  <Text className="usage-figure">
                    {d.total.registered[r.key] ?? 0} / {d.total.active[r.key] ?? 0}
                  </Text>
                </View>
              ))}
            </Section>
            <Section title={messages.regions}>
              {d.children.map((c) => {
                const drill = !c.code.includes(':');
                return (
                  <View
                    key={c.code}
                    className={`usage-row${drill ? ' usage-row-link' : ''}`}
                    onClick={() => drill && setTrail([...trail, { code: c.code, name: c.name }])}
                  >
                    <Text className="usage-name">{c.name}</Text>
                    <Text className="usage-figure">
                      {c.registered.total} / {c.active.total}
                    </Text>
                  </View>
                );
              })}
            </Section>
            <Section title={messages.logins(d.logins.from, d.logins.to)}>
              {d.logins.days.map((x) => (
                <View key={x.day} className="day-row">
                  <Text className="day-label">{x.day.slice(5)}</Text>
                  <View className="day-track">
                    <View className="day-bar" style={{ width: `${(x.logins / max) * 100}%` }} />
                  </View>
                  <Text className="day-value">{x.logins}</Text>
                </View>
              ))}
            </Section>
          </>
        )}
      </PageState>
    </View>
  );
}

// 权限码与激活进度 (seed 003 part 3 §1): activation of the region's admins and schools by direct child
// (学校 已激活/总数 and 激活率, 地区 已激活/总数 and 激活率, 覆盖地区) with drill-down and a breadcrumb; issuing
// a one-time permission code for a role of this region or a child (the plain code is shown once), the
// issued codes with their state, and revoking an unused one.
import Taro from '@tarojs/taro';
import { Picker, View, Text } from '@tarojs/components';
import { Button, Tag } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import { REGION_ROLE_LABELS, formatRate, type RegionRole } from '@eduprogress/shared';
import Breadcrumb, { type Crumb } from '../../components/Breadcrumb';
import Chips from '../../components/Chips';
import DataTable from '../../components/DataTable';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import { activeBinding, requireSession } from '../../services/account';
import { ACTIVATION_LEGEND } from '../../services/measures';
import { formatTime } from '../../services/periods';
import { request } from '../../services/request';
import { useLoadOnMount, useReloadOn } from '../../services/use-reload';
import { useResource } from '../../services/use-resource';
import './index.css';

const messages = {
  activation: '激活进度',
  codes: '权限码',
  region: '地区',
  schools: '学校 已激活/总数',
  regions: '地区 已激活/总数',
  covered: '有学校激活的地区',
  ratio: (done: string, total: string) => `${done}/${total}`,
  issue: '发放权限码',
  target: (name: string) => `目标地区：${name}`,
  role: (r: string) => `角色：${r}`,
  create: '生成权限码',
  noTargets: '本地区没有下级地区，无需发放地区权限码',
  once: '权限码只显示这一次，请立即转交本人：',
  issued: (n: number) => `已发放（${n}）`,
  none: '还没有发放权限码',
  revoke: '撤销',
  confirmRevoke: '撤销后此权限码不能再使用，确认撤销？',
  revoked: '已撤销',
  codeMeta: (c: CodeView) =>
    `${c.regionName} · ${REGION_ROLE_LABELS[c.role as RegionRole] ?? c.role} · 有效期至 ${formatTime(c.expiresAt)}`,
  usedBy: (name: string, at: string) => `${name} 于 ${at} 绑定`,
};

const STATE: Record<string, { text: string; type: 'primary' | 'success' | 'default' | 'danger' }> = {
  unused: { text: '未使用', type: 'primary' },
  used: { text: '已使用', type: 'success' },
  revoked: { text: '已撤销', type: 'default' },
  expired: { text: '已过期', type: 'danger' },
};

interface ActivationRow {
  code: string | null;
  name: string;
  schoolsTotal: number;
  schoolsActivated: number;
  schoolActivationRate: number | null;
  regionsTotal: number | null;
  regionsActivated: number | null;
  regionActivationRate: number | null;
  coveredRegions: number | null;
}

interface Activation {
  region: { code: string; name: string };
  totals: ActivationRow;
  direct: ActivationRow;
  children: ActivationRow[];
}

interface CodeView {
  id: string;
  code: string;
  role: string;
  regionName: string;
  state: string;
  expiresAt: string;
  usedAt?: string;
  usedBy?: { name: string };
}

const n = (v: number | null) => (v === null ? '—' : String(v));
const f = (v: number | null) => (v === null ? '—' : formatRate(v));

/**
 * One cell of the 激活进度 table: activated/total over its rate. Three columns after the name fit the
 * 375 px screen (seven did not: the table was cut off at the right).
 */
function activated(done: number | null, total: number | null, rate: number | null) {
  return (
    <View>
      <Text className="block">{total === null ? '—' : messages.ratio(n(done), n(total))}</Text>
      <Text className="block muted">{f(rate)}</Text>
    </View>
  );
}

export default function PermissionCodesPage() {
  const [tab, setTab] = useState<'activation' | 'codes'>('activation');
  return (
    <View className="page permission-codes">
      <Chips
        name="tab"
        options={[
          { value: 'activation', text: messages.activation },
          { value: 'codes', text: messages.codes },
        ]}
        value={tab}
        onChange={(v) => setTab(v as 'activation' | 'codes')}
      />
      {tab === 'activation' ? <ActivationView /> : <Codes />}
    </View>
  );
}

function ActivationView() {
  const home = activeBinding(requireSession())?.regionCode ?? '';
  // Regions drilled into, below the home region (whose name comes with the first answer).
  const [trail, setTrail] = useState<Crumb[]>([]);
  const [homeName, setHomeName] = useState('');
  const code = trail.length ? trail[trail.length - 1].code : home;
  const res = useResource(async () => {
    const a = await request<Activation>(`/regions/${code}/activation`, { silent: true });
    if (a.region.code === home) setHomeName(a.region.name);
    return a;
  });
  useReloadOn(code, res.reload);
  useLoadOnMount(res.reload);
  const d = res.data;
  const crumbs: Crumb[] = [{ code: home, name: homeName }, ...trail];
  return (
    <PageState loading={res.loading} error={res.error} onRetry={res.reload}>
      {d && (
        <>
          <Breadcrumb
            items={crumbs}
            onPick={(c) => setTrail(trail.slice(0, trail.findIndex((t) => t.code === c) + 1))}
          />
          <Section title={<Text className="wrap">{d.region.name}</Text>}>
            <DataTable<ActivationRow>
              total={d.totals}
              rows={[...d.children, d.direct]}
              rowKey={(r) => r.code ?? 'direct'}
              name={{ key: 'name', title: messages.region, render: (r) => <Text>{r.name}</Text> }}
              columns={[
                {
                  key: 'schools',
                  title: messages.schools,
                  width: 180,
                  render: (r) => activated(r.schoolsActivated, r.schoolsTotal, r.schoolActivationRate),
                },
                {
                  key: 'regions',
                  title: messages.regions,
                  width: 180,
                  render: (r) => activated(r.regionsActivated, r.regionsTotal, r.regionActivationRate),
                },
                {
                  key: 'cv',
                  title: messages.covered,
                  width: 170,
                  render: (r) => <Text>{n(r.coveredRegions)}</Text>,
                },
              ]}
              canTap={(r) => r !== d.totals && !!r.code && r.regionsTotal !== null}
              onRow={(r) => setTrail([...trail, { code: r.code!, name: r.name }])}
            />
            <Text className="muted pad block measures-legend">{ACTIVATION_LEGEND}</Text>
          </Section>
        </>
      )}
    </PageState>
  );
}

function Codes() {
  const home = activeBinding(requireSession())?.regionCode ?? '';
  const [target, setTarget] = useState(0);
  const [role, setRole] = useState<RegionRole>('admin');
  const [plain, setPlain] = useState<string>();
  const [busy, setBusy] = useState(false);
  const res = useResource(async () => {
    // Codes for a role of a region go to the regions below (a region's own staff roles are not issued
    // by itself).
    const [children, codes] = await Promise.all([
      request<{ items: { code: string; name: string }[] }>(`/regions/${home}/children`, { silent: true }),
      request<{ items: CodeView[]; total: number }>('/permission-codes', {
        silent: true,
        query: { kind: 'region', pageSize: 50 },
      }),
    ]);
    return { targets: children.items, codes };
  });
  useLoadOnMount(res.reload);
  const d = res.data;
  const create = async () => {
    if (!d?.targets[target] || busy) return;
    setBusy(true);
    try {
      const made = await request<CodeView>('/permission-codes', {
        method: 'POST',
        data: { kind: 'region', role, regionCode: d.targets[target].code },
      });
      setPlain(made.code);
      await res.reload();
    } catch {
      /* shown by the request module */
    } finally {
      setBusy(false);
    }
  };
  const revoke = async (c: CodeView) => {
    const ok = await Taro.showModal({ title: messages.revoke, content: messages.confirmRevoke });
    if (!ok.confirm) return;
    try {
      await request(`/permission-codes/${c.id}/revoke`, { method: 'POST' });
      Taro.showToast({ title: messages.revoked, icon: 'none' });
      await res.reload();
    } catch {
      /* shown by the request module */
    }
  };
  return (
    <PageState loading={res.loading} error={res.error} onRetry={res.reload}>
      {d && (
        <>
          <Section title={messages.issue}>
            {d.targets.length === 0 && <Text className="muted pad block">{messages.noTargets}</Text>}
            <View className="toolbar">
              <Picker
                mode="selector"
                range={d.targets.map((t) => t.name)}
                onChange={(e) => setTarget(Number(e.detail.value))}
              >
                <View className="chip">{messages.target(d.targets[target]?.name ?? '')}</View>
              </Picker>
            </View>
            <Chips
              name="role"
              label={messages.role('')}
              options={(['admin', 'auditor', 'inspector'] as RegionRole[]).map((r) => ({
                value: r,
                text: REGION_ROLE_LABELS[r],
              }))}
              value={role}
              onChange={(v) => setRole(v as RegionRole)}
            />
            {plain && (
              <View className="pad" data-plain-code={plain}>
                <Text className="muted block">{messages.once}</Text>
                <Text className="plain-code block">{plain}</Text>
              </View>
            )}
            <View className="pad">
              <Button type="primary" block onClick={create} disabled={busy}>
                {messages.create}
              </Button>
            </View>
          </Section>
          <Section title={messages.issued(d.codes.total)}>
            {d.codes.items.length === 0 && <Text className="muted pad block">{messages.none}</Text>}
            {d.codes.items.map((c) => (
              <View key={c.id} className="list-item" data-code={c.id}>
                <View className="tags">
                  <Text className="list-item-title">{c.code}</Text>
                  <Tag type={STATE[c.state]?.type ?? 'default'}>{STATE[c.state]?.text ?? c.state}</Tag>
                </View>
                <Text className="list-item-meta">{messages.codeMeta(c)}</Text>
                {c.usedBy && c.usedAt && (
                  <Text className="list-item-meta">
                    {messages.usedBy(c.usedBy.name, formatTime(c.usedAt))}
                  </Text>
                )}
                {c.state === 'unused' && (
                  <Button size="small" onClick={() => revoke(c)}>
                    {messages.revoke}
                  </Button>
                )}
              </View>
            ))}
          </Section>
        </>
      )}
    </PageState>
  );
}

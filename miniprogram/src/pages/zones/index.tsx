// 功能区 (seed 003's tables: 平潭综合实验区, 湄洲岛 …): the national level lists the functional zones and
// creates one (name, code of its own, parent, the level it reports at). Schools move in through the API.
import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import Choice from '../../components/Choice';
import Field from '../../components/Field';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import { requireSession } from '../../services/account';
import { request } from '../../services/request';
import { useResource } from '../../services/use-resource';

const messages = {
  list: '已设立的功能区',
  none: '尚未设立功能区',
  create: '设立功能区',
  name: '名称',
  code: '代码',
  codeHelp: '6 位数字，不能与已有地区相同',
  parent: '上级地区代码',
  parentHelp: '省级（与地市并列）或市级（与区县并列）',
  reportsAt: '上报层级',
  county: '按县级上报',
  city: '按市级上报',
  submit: '设立',
  created: '已设立',
  levels: { city: '市级', county: '县级' } as Record<string, string>,
};

interface Zone {
  code: string;
  name: string;
  level: string;
  parentCode: string;
  countyLevel: boolean;
}

export default function ZonesPage() {
  requireSession();
  const res = useResource(() => request<{ items: Zone[] }>('/basedata/zones', { silent: true }));
  const [form, setForm] = useState({ name: '', code: '', parentCode: '', reportsAt: 'county' });
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof form) => (value: string) => setForm({ ...form, [key]: value });
  const submit = async () => {
    setBusy(true);
    try {
      await request('/basedata/zones', { method: 'POST', data: form });
      Taro.showToast({ title: messages.created, icon: 'success' });
      setForm({ name: '', code: '', parentCode: '', reportsAt: 'county' });
      await res.reload();
    } catch {
      /* toast shown */
    } finally {
      setBusy(false);
    }
  };
  return (
    <View className="page zones">
      <PageState loading={res.loading} error={res.error} onRetry={res.reload}>
        <Section title={messages.list}>
          {res.data?.items.length ? (
            res.data.items.map((z) => (
              <View key={z.code} className="kv">
                <Text className="kv-key wrap">
                  {z.name}（{z.code}）
                </Text>
                <Text className="kv-value">
                  {z.parentCode} · {messages.levels[z.countyLevel ? 'county' : z.level] ?? z.level}
                </Text>
              </View>
            ))
          ) : (
            <Text className="muted pad">{messages.none}</Text>
          )}
        </Section>
        <Section title={messages.create}>
          <Field name="name" label={messages.name} value={form.name} onInput={set('name')} />
          <Field
            name="code"
            label={messages.code}
            type="number"
            maxlength={6}
            help={messages.codeHelp}
            value={form.code}
            onInput={set('code')}
          />
          <Field
            name="parentCode"
            label={messages.parent}
            type="number"
            maxlength={6}
            help={messages.parentHelp}
            value={form.parentCode}
            onInput={set('parentCode')}
          />
          <Choice
            name="reportsAt"
            label={messages.reportsAt}
            options={[
              { value: 'county', text: messages.county },
              { value: 'city', text: messages.city },
            ]}
            value={form.reportsAt}
            onChange={set('reportsAt')}
          />
          <View className="pad">
            <Button className="wide-button" type="primary" size="large" block loading={busy} onClick={submit}>
              {messages.submit}
            </Button>
          </View>
        </Section>
      </PageState>
    </View>
  );
}

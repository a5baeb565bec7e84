// 第二步 地区信息化情况 (seed 000 §4.1): a province/city/county admin saves the region form before other
// work. The scalar questions of the region form (shared/src/forms/region.ts); the server validates.
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { CARRIERS, METRO_BANDWIDTHS, PLATFORM_SOURCES } from '@eduprogress/shared';
import { useState } from 'react';
import Choice from '../../components/Choice';
import Field from '../../components/Field';
import Section from '../../components/Section';
import type { MeView } from '../../services/account';
import { ApiError, request } from '../../services/request';

const messages = {
  title: '填写地区信息化情况',
  intro: '首次登录的第二步：请填写本地区的信息化情况，保存后即可开始工作。',
  platformUsed: '是否组织统一使用了教育资源公共服务平台',
  platformUrl: '平台网址',
  platformSource: '平台来源',
  metroNetwork: '是否具有到校的教育城域网',
  metroBandwidth: '互联网总出口带宽',
  carriers: '互联网接入运营商',
  yes: '是',
  no: '否',
  save: '保存并进入',
  missing: (labels: string[]) => `请填写：${labels.join('、')}`,
};

/**
 * The questions left unanswered, by their labels in the order shown: the two always asked, and the
 * follow-ups a 是 opens (the region form's required and if/then rules, shared/src/forms/region.ts).
 */
function unanswered(data: Record<string, unknown>): string[] {
  const asked: [string, boolean][] = [
    ['platformUsed', true],
    ['platformSource', data.platformUsed === true],
    ['metroNetwork', true],
    ['metroBandwidth', data.metroNetwork === true],
    ['carriers', data.metroNetwork === true],
  ];
  const empty = (v: unknown) => v === undefined || v === '' || (Array.isArray(v) && !v.length);
  return asked
    .filter(([key, shown]) => shown && empty(data[key]))
    .map(([key]) => messages[key as 'platformUsed']);
}

const yesNo = [
  { value: 'true', text: messages.yes },
  { value: 'false', text: messages.no },
];
const options = (values: readonly string[]) => values.map((v) => ({ value: v, text: v }));

export default function RegionFormStep({ me, onDone }: { me: MeView; onDone: () => void }) {
  const [data, setData] = useState<Record<string, unknown>>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const set = (key: string, value: unknown) => setData((d) => ({ ...d, [key]: value }));
  const carriers = (data.carriers as string[] | undefined) ?? [];
  const submit = async () => {
    const code = me.activeBinding?.regionCode;
    if (!code) return;
    const missing = unanswered(data);
    if (missing.length) return setError(messages.missing(missing));
    setBusy(true);
    try {
      const periods = await request<{ working: { period: string } }>('/periods/current', { silent: true });
      const body = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== '' && v !== undefined));
      await request(`/regions/${code}/reports/${periods.working.period}`, {
        method: 'PUT',
        silent: true,
        data: { data: body },
      });
      setError('');
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title={messages.title}>
      <Text className="muted pad">{messages.intro}</Text>
      <Choice
        name="platformUsed"
        label={messages.platformUsed}
        options={yesNo}
        value={data.platformUsed === undefined ? undefined : String(data.platformUsed)}
        onChange={(v) => set('platformUsed', v === 'true')}
      />
      {data.platformUsed === true && (
        <>
          <Choice
            name="platformSource"
            label={messages.platformSource}
            options={options(PLATFORM_SOURCES)}
            value={data.platformSource as string | undefined}
            onChange={(v) => set('platformSource', v)}
          />
          <Field
            name="platformUrl"
            label={messages.platformUrl}
            value={(data.platformUrl as string | undefined) ?? ''}
            onInput={(v) => set('platformUrl', v.trim())}
          />
        </>
      )}
      <Choice
        name="metroNetwork"
        label={messages.metroNetwork}
        options={yesNo}
        value={data.metroNetwork === undefined ? undefined : String(data.metroNetwork)}
        onChange={(v) => set('metroNetwork', v === 'true')}
      />
      {data.metroNetwork === true && (
        <>
          <Choice
            name="metroBandwidth"
            label={messages.metroBandwidth}
            options={options(METRO_BANDWIDTHS)}
            value={data.metroBandwidth as string | undefined}
            onChange={(v) => set('metroBandwidth', v)}
          />
          <Choice
            name="carriers"
            label={messages.carriers}
            options={options(CARRIERS)}
            value={undefined}
            onChange={(v) =>
              set('carriers', carriers.includes(v) ? carriers.filter((c) => c !== v) : [...carriers, v])
            }
          />
          <Text className="muted pad">{carriers.join('、')}</Text>
        </>
      )}
      {error && (
        <View className="pad">
          <Text className="field-error">{error}</Text>
        </View>
      )}
      <Button className="wide-button" type="primary" size="large" block loading={busy} onClick={submit}>
        {messages.save}
      </Button>
    </Section>
  );
}

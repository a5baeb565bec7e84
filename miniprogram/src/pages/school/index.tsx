// The school's basic information (seed 000 §2.4); seed 003 asks schools to complete 城乡类型 on first
// entry. Name and type are the county's to change; the school edits the rest.
import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { URBAN_RURAL_TYPES, SCHOOL_OWNERSHIPS } from '@eduprogress/shared';
import { useEffect, useState } from 'react';
import Choice from '../../components/Choice';
import Field from '../../components/Field';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import ProjectSchool from './ProjectSchool';
import { activeBinding, requireSession } from '../../services/account';
import { request } from '../../services/request';
import { fetchSchool, type SchoolView } from '../../services/reports';
import { useResource } from '../../services/use-resource';

const messages = {
  name: '学校名称',
  type: '学校类型',
  region: '管理地区',
  urbanRural: '城乡类型',
  urbanRuralHelp: '首次进入请确认城乡类型（城区、镇区或乡村）并保存',
  ownership: '办别',
  address: '学校地址',
  postcode: '学校邮编',
  save: '保存',
  saved: '已保存',
  readOnly: '学校名称、类型由区县管理员维护',
};

export default function SchoolPage() {
  const schoolId = activeBinding(requireSession())?.schoolId;
  const res = useResource(() => fetchSchool(schoolId!));
  const [form, setForm] = useState<Partial<SchoolView>>({});
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (res.data) setForm(res.data);
  }, [res.data]);
  const save = async () => {
    if (!res.data) return;
    setBusy(true);
    try {
      const body: Record<string, unknown> = {};
      for (const k of ['urbanRural', 'ownership', 'address', 'postcode'] as const)
        if ((form[k] ?? null) !== (res.data[k] ?? null) && form[k] !== null) body[k] = form[k] ?? '';
      if (Object.keys(body).length)
        res.setData(await request<SchoolView>(`/schools/${schoolId}`, { method: 'PATCH', data: body }));
      Taro.showToast({ title: messages.saved, icon: 'success' });
    } catch {
      /* toast shown */
    } finally {
      setBusy(false);
    }
  };
  const s = res.data;
  return (
    <View className="page school">
      <PageState loading={res.loading} error={res.error} onRetry={res.reload}>
        {s && (
          <Section>
            <View className="kv">
              <Text className="kv-key">{messages.name}</Text>
              <Text className="kv-value wrap">{s.name}</Text>
            </View>
            <View className="kv">
              <Text className="kv-key">{messages.type}</Text>
              <Text className="kv-value">{s.type}</Text>
            </View>
            <Text className="muted pad block">{messages.readOnly}</Text>
            <Choice
              name="urbanRural"
              label={messages.urbanRural}
              help={s.urbanRural && s.lastUpdatedAt ? undefined : messages.urbanRuralHelp}
              options={URBAN_RURAL_TYPES.map((t) => ({ value: t, text: t }))}
              value={form.urbanRural ?? undefined}
              onChange={(v) => setForm({ ...form, urbanRural: v })}
            />
            <Choice
              name="ownership"
              label={messages.ownership}
              options={SCHOOL_OWNERSHIPS.map((t) => ({ value: t, text: t }))}
              value={form.ownership ?? undefined}
              onChange={(v) => setForm({ ...form, ownership: v })}
            />
            <Field
              name="address"
              label={messages.address}
              value={form.address ?? ''}
              onInput={(v) => setForm({ ...form, address: v })}
            />
            <Field
              name="postcode"
              label={messages.postcode}
              type="number"
              maxlength={6}
              value={form.postcode ?? ''}
              onInput={(v) => setForm({ ...form, postcode: v })}
            />
            <Button className="wide-button" type="primary" size="large" block loading={busy} onClick={save}>
              {messages.save}
            </Button>
          </Section>
        )}
        {s && <ProjectSchool school={s} onChange={(projectSchool) => res.setData({ ...s, projectSchool })} />}
      </PageState>
    </View>
  );
}

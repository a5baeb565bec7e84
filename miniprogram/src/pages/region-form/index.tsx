// 本级填报 (seed 000 §4.1 地区情况): the region form rendered from the shared JSON Schema, as the school
// form is, with the server's own validator for inline errors. The region's 管理员 fills and saves it
// while the report is editable; the 审核员 submits it upward from 审核上报; others read it.
import { NATIONAL_CODE, periodLabel } from '@eduprogress/shared';
import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button, Tag } from '@nutui/nutui-react-taro';
import * as validators from '@generated/form-validators';
import { useEffect, useState } from 'react';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import WithdrawalRequest from '../../components/WithdrawalRequest';
import SchemaForm from '../../components/schema-form/SchemaForm';
import { checkForm, formGroups, setPath, type Validator } from '../../components/schema-form/model';
import { STATE_TAG } from '../../components/state-tag';
import { activeBinding, requireSession } from '../../services/account';
import { formatDeadline } from '../../services/periods';
import { fetchUnitReport, regionPeriod, type RegionReportView } from '../../services/region';
import { ApiError, request } from '../../services/request';
import { useResource } from '../../services/use-resource';

const messages = {
  title: '地区信息化情况',
  period: '期次',
  deadline: '本级截止时间',
  save: '保存',
  saved: '已保存',
  fixFirst: '请先改正标红的项目',
  readOnly: (state: string) => `本级报表${state}，不能修改`,
  adminOnly: '本级数据由本级管理员填写',
  national: '全国不填报本级报表：各省向全国上报，请在审核上报中查看各省报表。',
};

const validatorFor = (version: number): Validator | undefined =>
  (validators as unknown as Record<string, Validator>)[`region${version}`];

export default function RegionFormPage() {
  const binding = activeBinding(requireSession());
  const code = binding?.regionCode ?? '';
  const national = code === NATIONAL_CODE;
  const res = useResource(async () => {
    if (national) return undefined;
    const { period } = await regionPeriod();
    const report = await fetchUnitReport('region', code, period);
    const form = await request<{ schema: Record<string, any> }>('/forms/region', {
      silent: true,
      query: { version: report.formVersion },
    });
    return { report, schema: form.schema };
  });
  const [data, setData] = useState<Record<string, any>>({});
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const d = res.data;
  useEffect(() => {
    if (d) {
      setData(d.report.data);
      setTexts({});
    }
  }, [d]);
  const validate = d ? validatorFor(d.report.formVersion) : undefined;
  // The server says whether the caller may save it now (role, state, period, deadline).
  const editable = !!d && d.report.actions.includes('edit');
  const change = (path: string, value: unknown, text: string) => {
    const next = setPath(data, path, value);
    setData(next);
    setTexts({ ...texts, [path]: text });
    if (d && validate) setErrors(checkForm(d.schema, validate, next).fieldErrors);
  };
  const save = async () => {
    if (!d) return;
    // A region's draft may leave required fields blank; 上报 (审核上报) needs them all.
    const check = validate && checkForm(d.schema, validate, data, { complete: false });
    if (check && !check.valid) {
      setErrors(check.fieldErrors);
      Taro.showToast({ title: messages.fixFirst, icon: 'none' });
      return;
    }
    setBusy(true);
    try {
      const saved = await request<RegionReportView>(`/regions/${code}/reports/${d.report.period}`, {
        method: 'PUT',
        data: { data },
        silent: true,
      });
      res.setData({ ...d, report: saved });
      Taro.showToast({ title: messages.saved, icon: 'success' });
    } catch (err) {
      if (err instanceof ApiError) {
        const fe: Record<string, string> = {};
        for (const e of (err.details?.errors ?? []) as { property: string; message: string }[])
          if (!(e.property in fe)) fe[e.property] = e.message;
        setErrors(fe);
        Taro.showToast({ title: err.message, icon: 'none', duration: 3000 });
      }
    } finally {
      setBusy(false);
    }
  };
  const groups = d
    ? formGroups(d.schema, [{ key: 'other', title: messages.title }], undefined, d.report.level)
    : [];
  return (
    <View className="page region-form">
      {national && <Text className="muted pad block">{messages.national}</Text>}
      <PageState loading={res.loading} error={res.error} onRetry={res.reload}>
        {d && (
          <>
            <Section title={<Text className="school-name">{d.report.unit.name}</Text>}>
              <View className="kv">
                <Text className="kv-key">{messages.period}</Text>
                <Tag className="state-tag" type={STATE_TAG[d.report.state] ?? 'default'}>
                  {periodLabel(d.report.period)} {d.report.stateLabel}
                </Tag>
              </View>
              <View className="kv">
                <Text className="kv-key">{messages.deadline}</Text>
                <Text className="kv-value">{formatDeadline(d.report.deadline)}</Text>
              </View>
              {!editable && (
                <Text className="muted pad block">
                  {binding?.role === 'admin' ? messages.readOnly(d.report.stateLabel) : messages.adminOnly}
                </Text>
              )}
            </Section>
            <WithdrawalRequest<RegionReportView>
              kind="region"
              id={code}
              period={d.report.period}
              actions={d.report.actions}
              history={d.report.history}
              onFiled={(report) => res.setData({ ...d, report })}
            />
            <SchemaForm
              groups={groups}
              data={data}
              texts={texts}
              errors={errors}
              disabled={!editable}
              onChange={change}
            />
            {editable && (
              <View className="button-row">
                <Button size="large" type="primary" disabled={busy} onClick={save}>
                  {messages.save}
                </Button>
              </View>
            )}
          </>
        )}
      </PageState>
    </View>
  );
}

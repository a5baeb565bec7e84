// The school's report form, rendered from the shared JSON Schema: inline errors identical to the
// server's (same generated validator, same describeErrors), autosave of the draft, an offline draft
// kept on the device and saved when the network returns, a newer server version shown as a conflict
// (never silently overwritten), submit, and "无变化" with last period's values shown.
import Taro, { useDidShow } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button, Tag } from '@nutui/nutui-react-taro';
import { parsePeriod, periodLabel, previousPeriod } from '@eduprogress/shared';
import * as validators from '@generated/form-validators';
import { useCallback, useEffect, useRef, useState } from 'react';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import TabBar from '../../components/TabBar';
import WithdrawalRequest from '../../components/WithdrawalRequest';
import SchemaForm from '../../components/schema-form/SchemaForm';
import {
  changedPaths,
  checkForm,
  formGroups,
  getPath,
  readableValue,
  setPath,
  type FormGroup,
  type Validator,
} from '../../components/schema-form/model';
import { activeBinding, requireSession } from '../../services/account';
import { reconcile } from '../../services/conflicts';
import { dropDraft, loadDraft, onOnline, storeDraft, type LocalDraft } from '../../services/drafts';
import { formatTime, formatDeadline } from '../../services/periods';
import { ApiError } from '../../services/request';
import {
  EDITABLE,
  confirmNoChange,
  currentReport,
  fetchForm,
  fetchReport,
  fetchSchool,
  returnInfo,
  saveReport,
  submitReport,
  type FormView,
  type ReportView,
} from '../../services/reports';
import { REPORT_PAGE } from '../../services/routes';
import './index.css';

const messages = {
  saving: '正在保存…',
  saved: (t: string) => `草稿已保存 ${t}`,
  offline: '网络不可用：草稿已保存在本机，联网后自动保存',
  invalid: '有填写错误，改正后自动保存',
  localOnly: '本机有未保存的修改',
  submit: '上报',
  submitConfirm: '上报后数据将锁定，确认上报本期数据？',
  submitted: '已上报',
  noChange: '本期无变化',
  noChangeTitle: '确认本期无变化',
  noChangeHint: '将以上期已上报的数据作为本期数据并上报：',
  noPrevious: '上期没有已上报的数据，请填写本期数据',
  confirmNoChange: '确认无变化并上报',
  cancel: '取消',
  conflictTitle: '服务器上有更新的版本',
  conflictHint: (t: string) => `本报表在 ${t} 被修改过，与本机草稿不同的项目如下。请选择保留哪一份：`,
  server: '服务器',
  mine: '本机',
  useServer: '使用服务器版本',
  keepMine: '保留本机并保存',
  readOnly: (state: string) => `报表${state}，不能修改`,
  returned: (reason: string, until: string) => `已退回：${reason}（限时修改至 ${until}）`,
  fixFirst: '请先改正标红的项目',
  period: '期次',
};

const validatorFor = (version: number): Validator | undefined =>
  (validators as unknown as Record<string, Validator>)[`school${version}`];

interface Loaded {
  schoolId: string;
  schoolType: string;
  form: FormView;
  groups: FormGroup[];
  report: ReportView;
  previous: ReportView | null;
}

type SaveStatus = 'idle' | 'saving' | 'saved' | 'offline' | 'invalid' | 'conflict';

export default function ReportPage() {
  const session = requireSession();
  const binding = activeBinding(session);
  const schoolId = binding?.schoolId;
  const [loaded, setLoaded] = useState<Loaded>();
  const [loadError, setLoadError] = useState<string | null>(null);
  const [data, setData] = useState<Record<string, any>>({});
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  // Errors show for fields already typed into, and for all of them after a submit attempt or a
  // server refusal; an untouched empty form is not a wall of red.
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [showAll, setShowAll] = useState(false);
  // Why 上报 was refused (blank required fields, wrong values), shown above the buttons until fixed.
  const [refusal, setRefusal] = useState('');
  const [status, setStatus] = useState<SaveStatus>('idle');
  const [savedAt, setSavedAt] = useState('');
  const [conflict, setConflict] = useState<ReportView | null>(null);
  const [showNoChange, setShowNoChange] = useState(false);
  const [busy, setBusy] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const draftRef = useRef<LocalDraft | null>(null);
  const loadedRef = useRef<Loaded>();
  loadedRef.current = loaded;

  const period = loaded?.report.period;
  const editable = !!loaded && EDITABLE.includes(loaded.report.state);

  /** Sends the device's draft unless the server moved on meanwhile (then: conflict). */
  const sync = useCallback(async (): Promise<boolean> => {
    const l = loadedRef.current;
    const draft = draftRef.current;
    if (!l || !draft?.pending) return true;
    const validate = validatorFor(l.report.formVersion);
    if (validate && !checkForm(l.form.schema, validate, draft.data, { complete: false }).valid) {
      setStatus('invalid');
      return false;
    }
    setStatus('saving');
    try {
      const server = await fetchReport(l.schoolId, l.report.period);
      if (reconcile(draft.base, draft.data, server) === 'conflict') {
        setConflict(server);
        setStatus('conflict');
        return false;
      }
      const saved = await saveReport(l.schoolId, l.report.period, draft.data);
      // Edits typed while the request was out stay pending.
      const current = draftRef.current!;
      const next: LocalDraft = {
        ...current,
        base: saved.updatedAt ?? null,
        pending: JSON.stringify(current.data) !== JSON.stringify(draft.data),
      };
      draftRef.current = next;
      if (next.pending) storeDraft(l.schoolId, l.report.period, next);
      else dropDraft(l.schoolId, l.report.period);
      setLoaded({ ...l, report: saved });
      setSavedAt(formatTime(saved.updatedAt).slice(11));
      setStatus(next.pending ? 'idle' : 'saved');
      return !next.pending;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'NETWORK') setStatus('offline');
      else if (err instanceof ApiError) {
        setStatus('invalid');
        if (err.details?.errors) {
          const fe: Record<string, string> = {};
          for (const e of err.details.errors as { property: string; message: string }[])
            if (!(e.property in fe)) fe[e.property] = e.message;
          setErrors(fe);
          setShowAll(true);
        }
        Taro.showToast({ title: err.message, icon: 'none', duration: 3000 });
      }
      return false;
    }
  }, []);

  const load = useCallback(async () => {
    if (!schoolId) return;
    try {
      const [school, current] = await Promise.all([fetchSchool(schoolId), currentReport(schoolId)]);
      const report = current.report;
      const form = await fetchForm(report.formVersion);
      const prevName = previousPeriod(parsePeriod(report.period)).name;
      const previous = await fetchReport(schoolId, prevName).catch(() => null);
      const l: Loaded = {
        schoolId,
        schoolType: school.type,
        form,
        groups: formGroups(form.schema, form.groups ?? [], school.type),
        report,
        previous,
      };
      const local = loadDraft(schoolId, report.period);
      const start: LocalDraft =
        local?.pending && EDITABLE.includes(report.state)
          ? local
          : { data: report.data, base: report.updatedAt ?? null, pending: false, editedAt: '' };
      draftRef.current = start;
      setLoaded(l);
      loadedRef.current = l;
      setData(start.data);
      setTexts({});
      setLoadError(null);
      const validate = validatorFor(report.formVersion);
      setErrors(validate ? checkForm(form.schema, validate, start.data).fieldErrors : {});
      if (start.pending) {
        setStatus('offline');
        void sync();
      } else setStatus('idle');
    } catch (err) {
      setLoadError(err instanceof Error ? err.message : String(err));
    }
  }, [schoolId, sync]);

  useDidShow(() => {
    if (!draftRef.current?.pending || !loadedRef.current) void load();
  });
  useEffect(() => onOnline(() => void sync()), [sync]);
  // A draft stuck offline is retried every 15 s as well (not every platform reports reconnection).
  useEffect(() => {
    if (status !== 'offline') return;
    const t = setInterval(() => void sync(), 15_000);
    return () => clearInterval(t);
  }, [status, sync]);

  const onChange = (path: string, value: unknown, text: string) => {
    if (!loaded || !editable) return;
    const next = setPath(data, path, value);
    setData(next);
    setTexts({ ...texts, [path]: text });
    setTouched(new Set(touched).add(path));
    const validate = validatorFor(loaded.report.formVersion);
    const check = validate ? checkForm(loaded.form.schema, validate, next) : undefined;
    setErrors(check?.fieldErrors ?? {});
    if (refusal) setRefusal(check && !check.valid ? (check.message ?? messages.fixFirst) : '');
    const draft: LocalDraft = {
      data: next,
      base: draftRef.current?.base ?? loaded.report.updatedAt ?? null,
      pending: true,
      editedAt: new Date().toISOString(),
    };
    draftRef.current = draft;
    storeDraft(loaded.schoolId, loaded.report.period, draft);
    if (status !== 'conflict') {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void sync(), 1200);
    }
  };

  const resolveConflict = async (keepMine: boolean) => {
    if (!loaded || !conflict || !draftRef.current) return;
    if (keepMine) {
      draftRef.current = { ...draftRef.current, base: conflict.updatedAt ?? null };
      setConflict(null);
      await sync();
    } else {
      dropDraft(loaded.schoolId, loaded.report.period);
      draftRef.current = {
        data: conflict.data,
        base: conflict.updatedAt ?? null,
        pending: false,
        editedAt: '',
      };
      setData(conflict.data);
      setTexts({});
      setLoaded({ ...loaded, report: conflict });
      setConflict(null);
      setStatus('idle');
    }
  };

  const submit = async () => {
    if (!loaded || !period) return;
    const validate = validatorFor(loaded.report.formVersion);
    const check = validate ? checkForm(loaded.form.schema, validate, data) : null;
    if (check && !check.valid) {
      setErrors(check.fieldErrors);
      setShowAll(true);
      setRefusal(check.message ?? messages.fixFirst);
      Taro.showToast({ title: check.message ?? messages.fixFirst, icon: 'none', duration: 3000 });
      return;
    }
    setRefusal('');
    const ok = await Taro.showModal({ title: messages.submit, content: messages.submitConfirm });
    if (!ok.confirm) return;
    setBusy(true);
    try {
      if (!(await sync())) return;
      // An untouched prefilled report is saved first so that the submitted data is what is shown.
      if (!loaded.report.saved || draftRef.current?.pending) await saveReport(loaded.schoolId, period, data);
      const report = await submitReport(loaded.schoolId, period);
      dropDraft(loaded.schoolId, period);
      draftRef.current = { data: report.data, base: report.updatedAt ?? null, pending: false, editedAt: '' };
      setLoaded({ ...loaded, report });
      setStatus('idle');
      Taro.showToast({ title: messages.submitted, icon: 'success' });
    } catch (err) {
      if (err instanceof ApiError) {
        if (err.code === 'FORM_INCOMPLETE' || err.code === 'FORM_INVALID') setRefusal(err.message);
        Taro.showToast({ title: err.message, icon: 'none', duration: 3000 });
      }
    } finally {
      setBusy(false);
    }
  };

  const noChange = async () => {
    if (!loaded || !period) return;
    setBusy(true);
    try {
      const report = await confirmNoChange(loaded.schoolId, period);
      dropDraft(loaded.schoolId, period);
      draftRef.current = { data: report.data, base: report.updatedAt ?? null, pending: false, editedAt: '' };
      setData(report.data);
      setLoaded({ ...loaded, report });
      setShowNoChange(false);
      Taro.showToast({ title: messages.submitted, icon: 'success' });
    } catch (err) {
      if (err instanceof ApiError) {
        if (err.code === 'FORM_INCOMPLETE' || err.code === 'FORM_INVALID') setRefusal(err.message);
        Taro.showToast({ title: err.message, icon: 'none', duration: 3000 });
      }
    } finally {
      setBusy(false);
    }
  };

  const back = loaded ? returnInfo(loaded.report) : null;
  const previousReported =
    loaded?.previous && ['submitted', 'locked'].includes(loaded.previous.state) ? loaded.previous : null;
  const statusText: Record<SaveStatus, string> = {
    idle: draftRef.current?.pending ? messages.localOnly : '',
    saving: messages.saving,
    saved: messages.saved(savedAt),
    offline: messages.offline,
    invalid: messages.invalid,
    conflict: messages.conflictTitle,
  };
  return (
    <View className="page with-tabbar report">
      <PageState loading={!loaded && !loadError} error={loadError} onRetry={load}>
        {loaded && (
          <>
            <View className="report-head">
              <Text className="report-school">{loaded.report.unit.name}</Text>
              <View className="report-meta">
                <Text>
                  {messages.period} {periodLabel(loaded.report.period)}
                </Text>
                <Tag
                  className="state-tag"
                  type={loaded.report.state === 'returned' ? 'danger' : editable ? 'primary' : 'success'}
                >
                  {loaded.report.stateLabel}
                </Tag>
              </View>
              {back && (
                <Text className="report-returned">
                  {messages.returned(back.reason ?? '—', formatDeadline(back.until))}
                </Text>
              )}
              {!editable && <Text className="muted">{messages.readOnly(loaded.report.stateLabel)}</Text>}
              {statusText[status] && (
                <Text className={`save-status save-${status}`}>{statusText[status]}</Text>
              )}
            </View>
            <WithdrawalRequest<ReportView>
              kind="school"
              id={loaded.schoolId}
              period={loaded.report.period}
              actions={loaded.report.actions}
              history={loaded.report.history}
              onFiled={(report) => setLoaded({ ...loaded, report })}
            />
            {conflict && (
              <Section title={messages.conflictTitle} className="conflict">
                <Text className="muted pad">{messages.conflictHint(formatTime(conflict.updatedAt))}</Text>
                {changedPaths(loaded.groups, conflict.data, data).map((p) => {
                  const f = loaded.groups.flatMap((g) => g.fields).find((x) => x.path === p)!;
                  return (
                    <View key={p} className="kv">
                      <Text className="kv-key wrap">{f.label}</Text>
                      <Text className="kv-value">
                        {messages.server} {readableValue(f, getPath(conflict.data, p))} / {messages.mine}{' '}
                        {readableValue(f, getPath(data, p))}
                      </Text>
                    </View>
                  );
                })}
                <View className="button-row">
                  <Button size="large" onClick={() => resolveConflict(false)}>
                    {messages.useServer}
                  </Button>
                  <Button size="large" type="primary" onClick={() => resolveConflict(true)}>
                    {messages.keepMine}
                  </Button>
                </View>
              </Section>
            )}
            {showNoChange && (
              <Section title={messages.noChangeTitle} className="no-change">
                {previousReported ? (
                  <>
                    <Text className="muted pad">
                      {messages.noChangeHint}（{periodLabel(previousReported.period)}）
                    </Text>
                    {loaded.groups.flatMap((g) =>
                      g.fields.map((f) => (
                        <View key={f.path} className="kv">
                          <Text className="kv-key wrap">{f.label}</Text>
                          <Text className="kv-value">
                            {readableValue(f, getPath(previousReported.data, f.path))}
                          </Text>
                        </View>
                      )),
                    )}
                  </>
                ) : (
                  <Text className="muted pad">{messages.noPrevious}</Text>
                )}
                <View className="button-row">
                  <Button size="large" onClick={() => setShowNoChange(false)}>
                    {messages.cancel}
                  </Button>
                  {previousReported && (
                    <Button size="large" type="primary" loading={busy} onClick={noChange}>
                      {messages.confirmNoChange}
                    </Button>
                  )}
                </View>
              </Section>
            )}
            <SchemaForm
              groups={loaded.groups}
              data={data}
              texts={texts}
              errors={
                showAll ? errors : Object.fromEntries(Object.entries(errors).filter(([p]) => touched.has(p)))
              }
              disabled={!editable}
              onChange={onChange}
            />
            {editable && refusal && (
              <Text className="form-refusal pad block" data-refusal>
                {refusal}
              </Text>
            )}
            {editable && (
              <View className="button-row sticky-actions">
                {loaded.report.state === 'draft' && (
                  <Button size="large" onClick={() => setShowNoChange(true)}>
                    {messages.noChange}
                  </Button>
                )}
                <Button size="large" type="primary" loading={busy} onClick={submit}>
                  {messages.submit}
                </Button>
              </View>
            )}
          </>
        )}
      </PageState>
      <TabBar current={REPORT_PAGE} />
    </View>
  );
}

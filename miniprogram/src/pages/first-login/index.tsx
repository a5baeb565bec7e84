// The first-login steps (seed 000 §4.1, §6.3): change the initial password, then complete the personal
// information with an SMS-verified mobile. Reached after login, or whenever the server answers
// FIRST_LOGIN_REQUIRED.
import Taro, { useDidShow } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button, Steps, Step } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import Field from '../../components/Field';
import NewPasswordFields, { newPasswordProblem } from '../../components/NewPassword';
import CodeRow, { codeRequestError, useCountdown } from '../../components/CodeRow';
import Choice from '../../components/Choice';
import Section from '../../components/Section';
import PageState from '../../components/PageState';
import {
  changePassword,
  nextPage,
  refreshMe,
  saveProfile,
  sendSmsCode,
  type MeView,
} from '../../services/account';
import { ApiError } from '../../services/request';
import RegionFormStep from './RegionFormStep';
import './index.css';

const messages = {
  stepPassword: '修改初始密码',
  stepProfile: '完善个人信息',
  stepRegion: '地区信息化情况',
  oldPassword: '当前密码',
  noOldPassword: '请输入当前密码（初始密码或重置后的密码）',
  savePassword: '确认修改',
  name: '真实姓名',
  gender: '性别',
  male: '男',
  female: '女',
  mobile: '手机号',
  badMobile: '请输入 11 位手机号',
  code: '短信验证码',
  email: '电子邮箱',
  saveProfile: '保存并进入',
  intro: '为保障账号安全，首次登录须修改初始密码并完善个人信息。',
  missing: (labels: string[]) => `请填写：${labels.join('、')}`,
};

export default function FirstLoginPage() {
  const [me, setMe] = useState<MeView>();
  const [loadError, setLoadError] = useState<string | null>(null);
  const load = () =>
    refreshMe().then(
      (m) => {
        setMe(m);
        setLoadError(null);
        if (!m.pendingSteps.length) Taro.reLaunch({ url: nextPage(m) });
      },
      (err) => setLoadError(err.message),
    );
  useDidShow(() => {
    void load();
  });

  const step = me?.pendingSteps[0];
  return (
    <View className="page first-login">
      <PageState loading={!me && !loadError} error={loadError} onRetry={load}>
        <View className="steps">
          <Steps value={step === 'changePassword' ? 1 : step === 'fillRegionForm' ? 3 : 2}>
            <Step value={1} title={messages.stepPassword} />
            <Step value={2} title={messages.stepProfile} />
            {step === 'fillRegionForm' && <Step value={3} title={messages.stepRegion} />}
          </Steps>
        </View>
        <Text className="muted intro">{messages.intro}</Text>
        {step === 'changePassword' && <PasswordStep onDone={load} />}
        {step === 'completeProfile' && me && <ProfileStep me={me} onDone={load} />}
        {step === 'fillRegionForm' && me && <RegionFormStep me={me} onDone={load} />}
      </PageState>
    </View>
  );
}

function PasswordStep({ onDone }: { onDone: () => void }) {
  const [oldPassword, setOld] = useState('');
  const [newPassword, setNew] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (!oldPassword) return setError(messages.noOldPassword);
    const problem = newPasswordProblem(newPassword, confirm);
    if (problem) return setError(problem);
    setBusy(true);
    try {
      await changePassword(oldPassword, newPassword);
      setError('');
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title={messages.stepPassword}>
      <Field name="oldPassword" label={messages.oldPassword} password value={oldPassword} onInput={setOld} />
      <NewPasswordFields
        password={newPassword}
        confirm={confirm}
        onPassword={setNew}
        onConfirm={setConfirm}
      />
      {error && <Text className="form-error">{error}</Text>}
      <Button className="wide-button" type="primary" size="large" block loading={busy} onClick={submit}>
        {messages.savePassword}
      </Button>
    </Section>
  );
}

function ProfileStep({ me, onDone }: { me: MeView; onDone: () => void }) {
  const [name, setName] = useState(me.user.name ?? '');
  const [gender, setGender] = useState<'male' | 'female'>();
  const [mobile, setMobile] = useState('');
  const [code, setCode] = useState('');
  const [email, setEmail] = useState('');
  const [devCode, setDevCode] = useState<string>();
  const [wait, setWait] = useCountdown();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const send = async () => {
    if (!/^1\d{10}$/.test(mobile)) return setError(messages.badMobile);
    setError('');
    try {
      setDevCode(await sendSmsCode(mobile, 'profile'));
      setWait(60);
    } catch (err) {
      // A resend too soon (429 SMS_TOO_FREQUENT) says how long to wait: shown here, and the button counts down.
      setError(codeRequestError(err, setWait));
    }
  };
  const submit = async () => {
    const missing = [
      [name.trim(), messages.name],
      [gender, messages.gender],
      [mobile, messages.mobile],
      [email.trim(), messages.email],
    ].filter(([value]) => !value);
    if (missing.length || !gender)
      return setError(messages.missing(missing.map(([, label]) => label as string)));
    setBusy(true);
    try {
      await saveProfile({
        name: name.trim(),
        gender,
        mobile,
        email: email.trim(),
        ...(code ? { smsCode: code } : {}),
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
    <Section title={messages.stepProfile}>
      <Field name="name" label={messages.name} value={name} onInput={setName} />
      <Choice
        name="gender"
        label={messages.gender}
        options={[
          { value: 'male', text: messages.male },
          { value: 'female', text: messages.female },
        ]}
        value={gender}
        onChange={(v) => setGender(v as 'male' | 'female')}
      />
      <Field
        name="mobile"
        label={messages.mobile}
        type="number"
        maxlength={11}
        value={mobile}
        onInput={setMobile}
      />
      <CodeRow
        name="smsCode"
        label={messages.code}
        value={code}
        onInput={setCode}
        wait={wait}
        onSend={send}
        devCode={devCode}
      />
      <Field name="email" label={messages.email} value={email} onInput={setEmail} />
      {error && <Text className="form-error">{error}</Text>}
      <Button className="wide-button" type="primary" size="large" block loading={busy} onClick={submit}>
        {messages.saveProfile}
      </Button>
    </Section>
  );
}

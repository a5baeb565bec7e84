// 忘记密码 (seed 000 §6.1): a code sent to the account's verified mobile (SMS) or its e-mail (after a
// picture captcha), then the code and a new password (the shared password rule, the server's words);
// the new password signs the user in at once with the same mobile or e-mail.
import Taro from '@tarojs/taro';
import { View, Text, Image } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { useEffect, useState } from 'react';
import Chips from '../../components/Chips';
import CodeRow, { codeRequestError, useCountdown } from '../../components/CodeRow';
import Field from '../../components/Field';
import NewPasswordFields, { newPasswordProblem } from '../../components/NewPassword';
import Section from '../../components/Section';
import { login, sendSmsCode } from '../../services/account';
import { ApiError, request, requestFull } from '../../services/request';
import './index.css';

const messages = {
  intro: '通过已验证的手机号或账号邮箱收取验证码，设置新密码后直接登录。',
  byMobile: '手机号',
  byEmail: '邮箱',
  mobile: '手机号',
  email: '电子邮箱',
  captcha: '图形验证码',
  refreshCaptcha: '看不清？点图片换一张',
  code: '验证码',
  badMobile: '请输入 11 位手机号',
  badEmail: '请输入正确的电子邮箱',
  needCaptcha: '请输入图形验证码',
  needCode: '请输入 6 位验证码',
  sentEmail: '如果该邮箱属于某个账号，验证码已发送，请查收',
  submit: '设置新密码并登录',
  done: '密码已重设',
};

type Channel = 'mobile' | 'email';

interface Captcha {
  captchaId: string;
  svg: string;
}

/** The SVG captcha as an image source both targets show. */
function svgSource(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

export default function ForgotPasswordPage() {
  const [channel, setChannel] = useState<Channel>('mobile');
  const [mobile, setMobile] = useState('');
  const [email, setEmail] = useState('');
  const [captcha, setCaptcha] = useState<Captcha>();
  const [captchaText, setCaptchaText] = useState('');
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [devCode, setDevCode] = useState<string>();
  const [note, setNote] = useState('');
  const [wait, setWait] = useCountdown();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const loadCaptcha = async () => {
    setCaptchaText('');
    try {
      setCaptcha(await request<Captcha>('/auth/captcha', { anonymous: true, silent: true }));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  useEffect(() => {
    if (channel === 'email' && !captcha) void loadCaptcha();
  }, [channel]);

  const fail = (err: unknown) => setError(codeRequestError(err, setWait));

  const send = async () => {
    setError('');
    setNote('');
    if (channel === 'mobile') {
      if (!/^1\d{10}$/.test(mobile)) return setError(messages.badMobile);
      try {
        setDevCode(await sendSmsCode(mobile, 'reset'));
        setWait(60);
      } catch (err) {
        fail(err);
      }
      return;
    }
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) return setError(messages.badEmail);
    if (!captcha || !captchaText.trim()) return setError(messages.needCaptcha);
    try {
      const res = await requestFull('/auth/email-code', {
        method: 'POST',
        data: { email: email.trim(), captchaId: captcha.captchaId, captcha: captchaText.trim() },
        anonymous: true,
        silent: true,
      });
      setDevCode(res.header['x-dev-email-code'] || undefined);
      setNote(messages.sentEmail);
      setWait(60);
    } catch (err) {
      fail(err);
    } finally {
      // A captcha is good for one try, right or wrong.
      void loadCaptcha();
    }
  };

  const submit = async () => {
    setError('');
    const account = channel === 'mobile' ? mobile : email.trim();
    if (channel === 'mobile' && !/^1\d{10}$/.test(mobile)) return setError(messages.badMobile);
    if (channel === 'email' && !account) return setError(messages.badEmail);
    if (!/^\d{6}$/.test(code)) return setError(messages.needCode);
    const problem = newPasswordProblem(password, confirm);
    if (problem) return setError(problem);
    setBusy(true);
    try {
      await request(channel === 'mobile' ? '/auth/forgot-password' : '/auth/forgot-password/email', {
        method: 'POST',
        data:
          channel === 'mobile'
            ? { mobile, code, newPassword: password }
            : { email: account, code, newPassword: password },
        anonymous: true,
        silent: true,
      });
      Taro.showToast({ title: messages.done, icon: 'success' });
      Taro.reLaunch({ url: await login(account, password) });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="page forgot">
      <Text className="muted intro">{messages.intro}</Text>
      <Chips
        name="channel"
        options={[
          { value: 'mobile', text: messages.byMobile },
          { value: 'email', text: messages.byEmail },
        ]}
        value={channel}
        onChange={(v) => {
          setChannel(v as Channel);
          setDevCode(undefined);
          setNote('');
          setError('');
          setCode('');
        }}
      />
      <Section title={channel === 'mobile' ? messages.byMobile : messages.byEmail}>
        {channel === 'mobile' ? (
          <Field
            name="mobile"
            label={messages.mobile}
            type="number"
            maxlength={11}
            value={mobile}
            onInput={setMobile}
          />
        ) : (
          <>
            <Field name="email" label={messages.email} value={email} onInput={setEmail} />
            <View className="sms-row">
              <Field
                name="captcha"
                label={messages.captcha}
                maxlength={10}
                value={captchaText}
                onInput={setCaptchaText}
              />
              {captcha && (
                <Image
                  className="captcha-image"
                  data-captcha
                  src={svgSource(captcha.svg)}
                  onClick={() => void loadCaptcha()}
                />
              )}
            </View>
            <Text className="muted intro">{messages.refreshCaptcha}</Text>
          </>
        )}
        <CodeRow
          name="code"
          label={messages.code}
          value={code}
          onInput={setCode}
          wait={wait}
          onSend={send}
          devCode={devCode}
        />
        {note && <Text className="muted intro">{note}</Text>}
        <NewPasswordFields
          password={password}
          confirm={confirm}
          onPassword={setPassword}
          onConfirm={setConfirm}
        />
        {error && <Text className="form-error">{error}</Text>}
        <Button className="wide-button" type="primary" size="large" block loading={busy} onClick={submit}>
          {messages.submit}
        </Button>
      </Section>
    </View>
  );
}

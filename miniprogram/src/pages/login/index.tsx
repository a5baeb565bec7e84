// Login with account (登录名、手机号或邮箱) and password; the demo accounts work on H5.
import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import Field from '../../components/Field';
import { login, wechatLogin } from '../../services/account';
import { ApiError } from '../../services/request';
import { FORGOT_PASSWORD_PAGE } from '../../services/routes';
import './index.css';

const messages = {
  title: '进展通',
  subtitle: '教育信息化进展上报 · 教师研修学时',
  account: '账号',
  accountHint: '登录名、手机号或邮箱',
  password: '密码',
  submit: '登录',
  missing: '请输入账号和密码',
  wechat: '微信一键登录',
  forgot: '忘记密码',
  hint: '学校管理员登录名为 s + 地区代码 + 序号，初始密码 123456，首次登录须修改。',
};

export default function LoginPage() {
  const [account, setAccount] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    if (!account.trim() || !password) return setError(messages.missing);
    setBusy(true);
    setError('');
    try {
      const next = await login(account.trim(), password);
      Taro.reLaunch({ url: next });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const withWechat = async () => {
    setBusy(true);
    setError('');
    try {
      Taro.reLaunch({ url: await wechatLogin() });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="page login">
      <View className="login-brand">
        <Text className="login-title">{messages.title}</Text>
        <Text className="login-subtitle">{messages.subtitle}</Text>
      </View>
      <View className="section">
        <Field
          name="account"
          label={messages.account}
          placeholder={messages.accountHint}
          value={account}
          onInput={setAccount}
        />
        <Field name="password" label={messages.password} password value={password} onInput={setPassword} />
        {error && <Text className="form-error">{error}</Text>}
        <Button className="wide-button" type="primary" size="large" block loading={busy} onClick={submit}>
          {messages.submit}
        </Button>
        <Text className="login-forgot" onClick={() => Taro.navigateTo({ url: FORGOT_PASSWORD_PAGE })}>
          {messages.forgot}
        </Text>
      </View>
      {process.env.TARO_ENV === 'weapp' && (
        <Button className="wide-button" size="large" block onClick={withWechat}>
          {messages.wechat}
        </Button>
      )}
      <Text className="muted login-hint">{messages.hint}</Text>
    </View>
  );
}

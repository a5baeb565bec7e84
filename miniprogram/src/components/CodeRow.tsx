// The row that asks for a verification code (SMS or e-mail): the code input, a send button that counts
// down the wait before another code may be asked for, and, in the dev build, the code the development
// sender "sent". First login's profile step and 忘记密码 use it.
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { useEffect, useState } from 'react';
import { ApiError } from '../services/request';
import Field from './Field';

const messages = {
  sendCode: '获取验证码',
  resend: (s: number) => `${s} 秒后重发`,
  devCode: (code: string) => `开发模式验证码：${code}`,
};

/** Seconds left before another code may be asked for, and its setter; counts down once a second. */
export function useCountdown(): [number, (seconds: number) => void] {
  const [wait, setWait] = useState(0);
  useEffect(() => {
    if (wait <= 0) return;
    const t = setTimeout(() => setWait(wait - 1), 1000);
    return () => clearTimeout(t);
  }, [wait]);
  return [wait, setWait];
}

/**
 * A refused request for a code as the user reads it: its zh-CN message; a resend too soon (429 with
 * `retryAfterSeconds`) also starts the countdown.
 */
export function codeRequestError(err: unknown, startWait: (seconds: number) => void): string {
  if (!(err instanceof ApiError)) return String(err);
  const seconds = Number(err.details.retryAfterSeconds);
  if (err.status === 429 && seconds > 0) startWait(Math.ceil(seconds));
  return err.message;
}

export interface CodeRowProps {
  name: string;
  label: string;
  value: string;
  onInput: (text: string) => void;
  /** Seconds before the button may be tapped again (useCountdown). */
  wait: number;
  onSend: () => void;
  /** The development sender's code, shown under the row (dev builds only get one). */
  devCode?: string;
}

export default function CodeRow(p: CodeRowProps) {
  return (
    <>
      <View className="sms-row">
        <Field
          name={p.name}
          label={p.label}
          type="number"
          maxlength={6}
          value={p.value}
          onInput={p.onInput}
        />
        <Button className="sms-button" size="small" disabled={p.wait > 0} onClick={p.onSend}>
          {p.wait > 0 ? messages.resend(p.wait) : messages.sendCode}
        </Button>
      </View>
      {p.devCode && <Text className="dev-code">{messages.devCode(p.devCode)}</Text>}
    </>
  );
}

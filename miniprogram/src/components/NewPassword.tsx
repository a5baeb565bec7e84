// The new-password pair (新密码, 确认新密码) of first login's password step and of 忘记密码: one place
// for the fields, their hint and the check, which is the server's own rule (shared/src/passwords.ts).
import Field from './Field';

export { newPasswordProblem } from '../services/new-password';

const messages = {
  newPassword: '新密码',
  newPasswordHint: '至少 8 位，含字母和数字',
  confirmPassword: '确认新密码',
};

/** The two fields (`newPassword`, `confirmPassword`), controlled by the page. */
export default function NewPasswordFields(props: {
  password: string;
  confirm: string;
  onPassword: (v: string) => void;
  onConfirm: (v: string) => void;
}) {
  return (
    <>
      <Field
        name="newPassword"
        label={messages.newPassword}
        placeholder={messages.newPasswordHint}
        password
        value={props.password}
        onInput={props.onPassword}
      />
      <Field
        name="confirmPassword"
        label={messages.confirmPassword}
        password
        value={props.confirm}
        onInput={props.onConfirm}
      />
    </>
  );
}

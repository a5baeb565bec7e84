// The demo account table `npm start` prints. Chinese characters take two terminal columns, so the columns
// are padded by display width (string-width), not by string length.
import stringWidth from 'string-width';
import type { DemoLogin } from './world';

/** `text` padded with spaces to `width` terminal columns (double-width characters count twice). */
export function padDisplay(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - stringWidth(text)));
}

/**
 * One line per demo login, `  <label>  <login name>  /  <password>`, the labels and the login names each
 * padded to the widest of their column so the columns line up in a terminal.
 */
export function formatLoginTable(
  logins: readonly Pick<DemoLogin, 'label' | 'loginName' | 'password'>[],
): string[] {
  const labelWidth = Math.max(0, ...logins.map((l) => stringWidth(l.label)));
  const nameWidth = Math.max(0, ...logins.map((l) => stringWidth(l.loginName)));
  return logins.map(
    (l) => `  ${padDisplay(l.label, labelWidth)}  ${padDisplay(l.loginName, nameWidth)}  /  ${l.password}`,
  );
}

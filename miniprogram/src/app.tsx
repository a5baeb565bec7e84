// The app shell: NutUI's styles, the shared page styles, and a signed-in user skipping the login page.
import Taro, { useLaunch } from '@tarojs/taro';
import type { PropsWithChildren } from 'react';
import '@nutui/nutui-react-taro/dist/style.css';
import './app.css';
import { nextPage } from './services/account';
import { loadSession } from './services/session';
import { LOGIN_PAGE } from './services/routes';

export default function App({ children }: PropsWithChildren) {
  useLaunch((options) => {
    const s = loadSession();
    const path = `/${options?.path ?? ''}`;
    if (s && (path === LOGIN_PAGE || path === '/')) {
      Taro.reLaunch({
        url: nextPage({ pendingSteps: s.pendingSteps ?? [], activeBinding: s.activeBinding ?? null }),
      });
    }
  });
  return children;
}

import type { PropsWithChildren } from 'react';
import '@nutui/nutui-react-taro/dist/style.css';
import './app.css';

export default function App({ children }: PropsWithChildren) {
  return children;
}

// Refresh without reloading the app: calls `refresh` every `ms` while the page is shown (and the
// app in the foreground), on top of pull-to-refresh (useResource).
import { useDidHide, useDidShow } from '@tarojs/taro';
import { useEffect, useRef } from 'react';

/** Default interval of the region pages' polling, in milliseconds. */
export const POLL_MS = 10_000;

export function usePolling(refresh: () => unknown, ms = POLL_MS): void {
  const fn = useRef(refresh);
  fn.current = refresh;
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);
  const start = () => {
    if (!timer.current) timer.current = setInterval(() => void fn.current(), ms);
  };
  const stop = () => {
    if (timer.current) clearInterval(timer.current);
    timer.current = null;
  };
  useDidShow(start);
  useDidHide(stop);
  useEffect(() => {
    start();
    return stop;
  }, [ms]);
}

/** Calls `reload` when any of `deps` changes after the first render (a tab, a filter, a drill-down). */
export function useReloadOn(reload: () => unknown, deps: unknown[]): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else void reload();
  }, deps);
}

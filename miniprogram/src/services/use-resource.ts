// Loading, error and data of one page's main request, reloaded on page show and on pull-down.
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { useCallback, useRef, useState } from 'react';
import { ApiError } from './request';

export interface Resource<T> {
  data: T | undefined;
  loading: boolean;
  error: string | null;
  /** Loads again; the newest load wins (a tab or filter changed). */
  reload: () => Promise<void>;
  /**
   * Loads again unless a load is under way (polling): a poll must not supersede a slower load, or a
   * page whose answer takes longer than the poll interval would never show one.
   */
  refresh: () => Promise<void>;
  setData: (d: T) => void;
}

export function useResource<T>(load: () => Promise<T>): Resource<T> {
  const [data, setData] = useState<T>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const loaded = useRef(false);
  // Only the latest load's answer is kept: a slow earlier one (a drill-down tapped before the page's
  // first answer came) must not overwrite it.
  const latest = useRef(0);
  const pending = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++latest.current;
    pending.current += 1;
    if (!loaded.current) setLoading(true);
    try {
      const value = await loadRef.current();
      if (mine !== latest.current) return;
      setData(value);
      setError(null);
      loaded.current = true;
    } catch (err) {
      if (mine !== latest.current) return;
      setError(err instanceof ApiError || err instanceof Error ? err.message : String(err));
    } finally {
      pending.current -= 1;
      if (mine === latest.current) setLoading(false);
    }
  }, []);
  const refresh = useCallback(async () => {
    if (pending.current === 0) await reload();
  }, [reload]);
  useDidShow(() => {
    void reload();
  });
  usePullDownRefresh(() => {
    void reload().finally(() => Taro.stopPullDownRefresh());
  });
  return { data, loading, error, reload, refresh, setData };
}

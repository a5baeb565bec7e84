// Loading, error and data of one page's main request, reloaded on page show and on pull-down.
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { useCallback, useRef, useState } from 'react';
import { ApiError } from './request';

export interface Resource<T> {
  data: T | undefined;
  loading: boolean;
  error: string | null;
  reload: () => Promise<void>;
  setData: (d: T) => void;
}

export function useResource<T>(load: () => Promise<T>): Resource<T> {
  const [data, setData] = useState<T>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const loaded = useRef(false);
  const reload = useCallback(async () => {
    if (!loaded.current) setLoading(true);
    try {
      setData(await loadRef.current());
      setError(null);
      loaded.current = true;
    } catch (err) {
      setError(err instanceof ApiError || err instanceof Error ? err.message : String(err));
    } finally {
      setLoading(false);
    }
  }, []);
  useDidShow(() => {
    void reload();
  });
  usePullDownRefresh(() => {
    void reload().finally(() => Taro.stopPullDownRefresh());
  });
  return { data, loading, error, reload, setData };
}

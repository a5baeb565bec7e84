// Report drafts kept on the device (教学点 often sit on weak village networks): every edit is written
// here first and sent when the network allows; `base` is the server version the edits started from,
// so a newer server version is noticed instead of overwritten.
import Taro from '@tarojs/taro';

export interface LocalDraft {
  data: Record<string, any>;
  /** updatedAt of the server report the edits started from (null: nothing saved then). */
  base: string | null;
  /** Edits not yet accepted by the server. */
  pending: boolean;
  editedAt: string;
}

const key = (schoolId: string, period: string) => `eduprogress.draft.${schoolId}.${period}`;

export function loadDraft(schoolId: string, period: string): LocalDraft | null {
  const d = Taro.getStorageSync(key(schoolId, period)) as LocalDraft | '';
  return d && typeof d === 'object' ? d : null;
}

export function storeDraft(schoolId: string, period: string, draft: LocalDraft): void {
  Taro.setStorageSync(key(schoolId, period), draft);
}

export function dropDraft(schoolId: string, period: string): void {
  Taro.removeStorageSync(key(schoolId, period));
}

/** Calls `fn` whenever the device comes back online; returns the unsubscribe. */
export function onOnline(fn: () => void): () => void {
  const listener = (res: { isConnected: boolean }) => res.isConnected && fn();
  Taro.onNetworkStatusChange(listener);
  const w = typeof window !== 'undefined' && process.env.TARO_ENV === 'h5' ? window : undefined;
  w?.addEventListener('online', fn);
  return () => {
    Taro.offNetworkStatusChange?.(listener);
    w?.removeEventListener('online', fn);
  };
}

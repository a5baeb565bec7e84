// Reloads a resource when a page's choices change (drill-down, tabs, filters); the first render is
// left to the resource's own load on page show.
import { useEffect, useRef } from 'react';

export function useReloadOn(key: string, reload: () => Promise<void>): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    void reload();
  }, [key]);
}

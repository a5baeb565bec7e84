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

/** Loads a resource when a part of a page appears later than the page (a tab's content): page-show
 * hooks do not fire for it. */
export function useLoadOnMount(reload: () => Promise<void>): void {
  useEffect(() => {
    void reload();
  }, []);
}

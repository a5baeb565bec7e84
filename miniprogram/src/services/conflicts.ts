// Whether a draft kept on the device may be saved over the server's report (pure, unit-tested).

/** The server report as the draft logic needs it. */
export interface ServerVersion {
  updatedAt?: string | null;
  data: Record<string, unknown>;
}

/**
 * `save` when the server still holds the version the draft started from (`base`), or already holds the
 * draft's data; `conflict` when someone saved something else since: that is shown, never overwritten.
 */
export function reconcile(
  base: string | null,
  draft: Record<string, unknown>,
  server: ServerVersion,
): 'save' | 'conflict' {
  if ((server.updatedAt ?? null) === base) return 'save';
  return JSON.stringify(server.data) === JSON.stringify(draft) ? 'save' : 'conflict';
}

// How a rate reads. Every rate in a response is a percentage number, 0–100 with at most two decimals
// (the convention of shared/src/api/rates.ts, computed by `percent` in training-stats.ts): progress and
// supervision, activation, training statistics and the statistics indicators alike. The bot and the
// mini-program print progress-like rates through `formatRate`, so 97.75 is "97.8%" everywhere.

/** A percentage with one decimal: 97.75 → "97.8%"; null → "—". */
export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${rate.toFixed(1)}%`;
}

// How a rate reads. Progress and supervision rates travel as fractions (0–1, API.md `totals.rate`);
// training statistics travel as percentages with two decimals (seed 003 prints them so). The bot and the
// mini-program show both through these, so 0.9775 is "97.8%" everywhere.

/** A 0–1 fraction as a percentage with one decimal: 0.9775 → "97.8%"; null → "—". */
export function formatFraction(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`;
}

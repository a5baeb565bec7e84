// One rate convention for every response (documented in API.md "Rates"):
// a rate is a PERCENTAGE NUMBER WITH AT MOST TWO DECIMALS, 0–100 (54.76 means 54.76%), or null when
// it has no denominator. Progress (`totals.rate`, `children[].rate`), supervision (`reportRate`,
// `initializationRate`), activation and training statistics all follow it; `formatRate` in
// shared/src/rates.ts prints one for people.

/** A rate as responses carry it: percent, two decimals at most, 0–100; null without a denominator. */
export type ApiRate = number | null;

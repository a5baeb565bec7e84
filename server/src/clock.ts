/** Injected time source: tests that depend on dates pass their own. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

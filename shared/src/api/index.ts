// The API contract shared by the server and its clients (bot, mini-program): error codes, outbox events,
// response views, the date format and the rate convention.
export * from './errors';
export * from './events';
export * from './views';
export * from './dates';
export * from './rates';

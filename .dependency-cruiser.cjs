// The layering check run by `npm run lint` (dependency-cruiser): http/db/files → nothing of the features;
// access → models and plumbing only; features → each other's services, never another feature's routes;
// shared → nothing of the apps; and no import cycles anywhere. Type-only imports are not counted (they
// vanish at run time and cannot form a load-order cycle).
const FEATURES =
  'accounts|audit|bot-api|calendar|cli|demo|health|jobs|notices|outbox|permission-codes|regions|reports|schools|statistics|teachers|training|web';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'An import cycle.', from: {}, to: { circular: true } },
    {
      name: 'shared-is-pure',
      severity: 'error',
      comment: 'shared/ is imported by the server, the bot and the mini-program; it imports none of them.',
      from: { path: '^shared/src' },
      to: { path: '^(server|bot|miniprogram)/' },
    },
    {
      name: 'plumbing-below-features',
      severity: 'error',
      comment: 'http/, db/ and files/ are the plumbing every feature uses; they know no feature.',
      from: { path: '^server/src/(http|db|files)/' },
      to: { path: `^server/src/(access|${FEATURES})/` },
    },
    {
      name: 'access-below-features',
      severity: 'error',
      comment: 'access/ decides jurisdiction from models alone; features ask it, it asks no feature service.',
      from: { path: '^server/src/access/' },
      to: { path: `^server/src/(${FEATURES})/`, pathNot: '^server/src/[^/]+/model\\.ts$' },
    },
    {
      name: 'no-foreign-routes',
      severity: 'error',
      comment: "A feature's routes are its HTTP surface; only app.ts mounts them.",
      from: { path: '^server/src/([^/]+)/', pathNot: '^server/src/(app|server|main)\\.ts$' },
      to: { path: '^server/src/[^/]+/routes\\.ts$', pathNot: '^server/src/$1/' },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
  },
};

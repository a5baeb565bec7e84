// The layering check run by `npm run lint` (dependency-cruiser): http/db/files → nothing of the features;
// access → models and plumbing only; features → each other's services, never another feature's routes;
// shared → nothing of the apps; writers reach read models only through the event bus; and no import
// cycles anywhere. Type-only imports are not counted (they
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
    {
      name: 'writers-publish-events',
      severity: 'error',
      comment:
        'A writer announces its change on the event bus (events.ts) and never calls a read model: only ' +
        "read-models.ts (the subscriptions), the jobs (rebuilds), each read model's own read side and " +
        "feature, and the demo generator import one. deadline-close writes its bulk step's progress " +
        'rollups itself (one batch per resumable step, see ARCHITECTURE).',
      from: {
        path: '^server/src/',
        pathNot:
          '^server/src/(read-models\\.ts|jobs/|demo/|statistics/|training/|schools/list(-source)?\\.ts|reports/(progress-view|progress-repair|deadline-close)\\.ts)',
      },
      to: {
        path: '^server/src/(schools/list-index|reports/progress|statistics/rollups|training/(recount|roster|rollups|stats))\\.ts$',
      },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
  },
};

// Type-level checks of route() (no runtime: `npm run typecheck` compiles this file, mocha never runs
// it): a handler's input is typed from its route's own schemas, so a handler that reads a field its
// schema lacks, or reads a field with the wrong type, does not compile.
import { answering, recordRoutes, route } from '../../../server/src/http/route';
import { strictObject } from '../../../server/src/http/schemas';
import { listSchoolsQuery, schoolIdParams, transferSchoolBody } from '../../../server/src/schools/schemas';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | void {}

const transferBody = strictObject({ regionCode: { type: 'string', pattern: '^\\d{6}$' } }, ['regionCode']);

export const checked = [
  route({
    method: 'post',
    path: '/schools/:id/transfer',
    summary: 'type check',
    auth: 'user',
    params: schoolIdParams,
    body: transferSchoolBody,
    handler: (_ctx, { params, body, query }) => {
      expectType<Equal<typeof params, { id: string }>>();
      expectType<Equal<typeof body, { regionCode: string }>>();
      // No query schema: no query parameters at all.
      expectType<Equal<typeof query, Record<string, never>>>();
      // @ts-expect-error transferSchoolBody has no `reason`
      void body.reason;
      void [params, query];
      // @ts-expect-error regionCode is a string, not a number
      const n: number = body.regionCode;
      void n;
    },
  }),
  route({
    method: 'get',
    path: '/schools',
    summary: 'type check',
    auth: 'user',
    query: listSchoolsQuery,
    handler: (_ctx, { query, body }) => {
      // A defaulted property is present (ajv's useDefaults fills it); others are optional.
      expectType<Equal<typeof query.page, number>>();
      expectType<
        Equal<typeof query.sort, 'name' | '-name' | 'createdAt' | '-createdAt' | 'updatedAt' | '-updatedAt'>
      >();
      expectType<Equal<typeof query.direct, boolean | undefined>>();
      // No body schema: no body.
      expectType<Equal<typeof body, undefined>>();
      void body;
      // @ts-expect-error listSchoolsQuery has no `regionCode` (it is `region`)
      void query.regionCode;
    },
  }),
  route({
    method: 'post',
    path: '/inline',
    summary: 'type check',
    auth: 'public',
    body: transferBody,
    handler: (_ctx, { body }) => {
      expectType<Equal<typeof body, { regionCode: string }>>();
      // @ts-expect-error an inline schema types its handler too
      void body.id;
    },
  }),
];

// recordRoutes: the id comes typed from the record's params, the other parts from each route's own schemas.
const school = recordRoutes(
  answering({ auth: 'user' }, () => 'caller' as const),
  '/schools/:id',
  schoolIdParams,
);
export const recordChecked = [
  school(
    { method: 'post', path: '/transfer', summary: 'type check', body: transferSchoolBody },
    async (actor, id, { body, query }) => {
      expectType<Equal<typeof actor, 'caller'>>();
      expectType<Equal<typeof id, string>>();
      expectType<Equal<typeof body, { regionCode: string }>>();
      expectType<Equal<typeof query, Record<string, never>>>();
      // @ts-expect-error transferSchoolBody has no `reason`
      void body.reason;
      void query;
      return null;
    },
  ),
  school({ method: 'get', summary: 'type check' }, async (_actor, id, { body }) => {
    expectType<Equal<typeof body, undefined>>();
    void body;
    return id;
  }),
];

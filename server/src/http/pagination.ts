/** Query properties every list accepts: `?page=1&pageSize=20`. */
export const paginationQuery = {
  page: { type: 'integer', title: '页码', minimum: 1, maximum: 1_000_000, default: 1 },
  pageSize: { type: 'integer', title: '每页条数', minimum: 1, maximum: 200, default: 20 },
} as const;

export type { Page } from '@eduprogress/shared';

export function skipOf(page: number, pageSize: number): number {
  return (page - 1) * pageSize;
}

// PLACEHOLDER — audit trail query (helper) replaces this file.
import type { RouteDefinition } from '../http/route';
import type { FeatureDeps } from '../app-deps';

export function auditRoutes(_deps: FeatureDeps): RouteDefinition[] {
  return [];
}

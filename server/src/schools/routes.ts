// PLACEHOLDER — the schools feature (helper) replaces this file.
import type { RouteDefinition } from '../http/route';
import type { FeatureDeps } from '../app-deps';

export function schoolRoutes(_deps: FeatureDeps): RouteDefinition[] {
  return [];
}

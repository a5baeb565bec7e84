// PLACEHOLDER — school-admin account management (helper) replaces this file.
import type { RouteDefinition } from '../http/route';
import type { FeatureDeps } from '../app-deps';

export function accountAdminRoutes(_deps: FeatureDeps): RouteDefinition[] {
  return [];
}

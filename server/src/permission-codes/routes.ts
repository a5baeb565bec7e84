// PLACEHOLDER — permission codes and activation progress (helper) replace this file.
import type { RouteDefinition } from '../http/route';
import type { FeatureDeps } from '../app-deps';

export function permissionCodeRoutes(_deps: FeatureDeps): RouteDefinition[] {
  return [];
}

import type { Middleware } from 'koa';
import type { AuthDeps } from './accounts/service';
import type { CalendarConfig } from '@eduprogress/shared';
import type { Clock } from './clock';

/** What every feature's routes receive. */
export interface FeatureDeps extends AuthDeps {
  clock: Clock;
  /** The reporting calendar (cycle, level windows, reminders). */
  calendar: CalendarConfig;
  /** The bearer-token middleware (puts { user, binding } on ctx.state.auth). */
  auth: Middleware;
}

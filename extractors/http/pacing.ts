/**
 * Pacing: a minimum interval between two requests to one API, one request at a time. GitHub asks
 * integrations to serialise calls about a second apart; PagerDuty and incident.io limit requests per minute.
 * A Bottleneck group, as octokit's throttling plugin takes it (`throttle.write`); a REST family schedules its
 * requests on it: `pacing.key("pagerduty").schedule(() => fetch(…))`.
 */
import Bottleneck from "bottleneck";

export function createPacing(intervalMs: number): Bottleneck.Group {
  return new Bottleneck.Group({ maxConcurrent: 1, minTime: intervalMs });
}

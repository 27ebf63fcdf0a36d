/**
 * The PagerDuty source: REST API v2 (https://api.pagerduty.com), read with the key in the variable
 * `pagerduty.tokenEnv` names (`Authorization: Token token=…`): the incidents of the services
 * `pagerduty.services` lists, and when they were resolved. Which repositories and teams a service's
 * incidents belong to is the configuration's (it reaches dbt as a build input), not the extractor's.
 */
import { createRestClient, type RestClient } from "../http/rest-client.ts";
import type { RequestPolicyOptions } from "../http/retry-policy.ts";
import type { RestContext } from "../rest-source.ts";
import { lakeStreamsOf, requireToken, type Source } from "../source.ts";
import { INCIDENTS } from "./incidents.stream.ts";
import { LOG_ENTRIES } from "./log-entries.stream.ts";
import { pagerDutyErrorMessage } from "./records.ts";

/** What tests and the demo change: the waits and the pacing. */
export type RestTuning = RequestPolicyOptions & { requestIntervalMs?: number };

const STREAMS = [INCIDENTS, LOG_ENTRIES];

export const pagerDutySource: Source<RestContext, RestClient, RestTuning> = {
  name: "pagerduty",
  label: "PagerDuty",
  configured: (config) => Boolean(config.pagerduty),
  token: (config) => ({
    variable: config.pagerduty?.tokenEnv ?? "PAGERDUTY_TOKEN",
    field: "pagerduty.tokenEnv",
    what: "a PagerDuty REST API key",
  }),
  async createClient(config, env, hooks, tuning) {
    const pagerduty = config.pagerduty!;
    const token = requireToken(config, env, this.token(config));
    return createRestClient({
      requestIntervalMs: pagerduty.requestIntervalMs,
      ...tuning,
      label: "PagerDuty",
      baseUrl: pagerduty.url,
      token,
      headers: (key) => ({
        authorization: `Token token=${key}`,
        accept: "application/vnd.pagerduty+json;version=2",
      }),
      errorMessage: pagerDutyErrorMessage,
      logger: hooks.logger,
      onRequest: hooks.onRequest,
    });
  },
  open: (base, client) => ({ ...base, client }),
  streams: STREAMS,
  lakeStreams: lakeStreamsOf(STREAMS),
};

/**
 * The incident.io source: its public API (https://api.incident.io, v2), read with the key in the variable
 * `incidentIo.tokenEnv` names (`Authorization: Bearer …`): every incident, with its status, severity,
 * type, custom fields and timestamps. Which repositories and teams an incident belongs to (by its type or a
 * custom field's value) and which custom field names its cause are the configuration's, applied in dbt.
 */
import { createRestClient, type RestClient } from "../http/rest-client.ts";
import type { RestTuning } from "../pagerduty/source.ts";
import type { RestContext } from "../rest-source.ts";
import { lakeStreamsOf, requireToken, type Source } from "../source.ts";
import { INCIDENTS } from "./incidents.stream.ts";
import { incidentIoErrorMessage } from "./records.ts";

const STREAMS = [INCIDENTS];

export const incidentIoSource: Source<RestContext, RestClient, RestTuning> = {
  name: "incident_io",
  label: "incident.io",
  configured: (config) => Boolean(config.incidentIo),
  token: (config) => ({
    variable: config.incidentIo?.tokenEnv ?? "INCIDENT_IO_TOKEN",
    field: "incidentIo.tokenEnv",
    what: "an incident.io API key",
  }),
  async createClient(config, env, hooks, tuning) {
    const incidentIo = config.incidentIo!;
    const token = requireToken(config, env, this.token(config));
    return createRestClient({
      requestIntervalMs: incidentIo.requestIntervalMs,
      ...tuning,
      label: "incident.io",
      baseUrl: incidentIo.url,
      token,
      headers: (key) => ({ authorization: `Bearer ${key}` }),
      errorMessage: incidentIoErrorMessage,
      logger: hooks.logger,
      onRequest: hooks.onRequest,
    });
  },
  open: (base, client) => ({ ...base, client }),
  streams: STREAMS,
  lakeStreams: lakeStreamsOf(STREAMS),
};

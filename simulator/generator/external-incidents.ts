/**
 * The generated organisation's incidents as an incident tool records them: each incident of the ground
 * truth (the issues labelled "incident") once more, on the PagerDuty service or incident.io "Affected
 * service" of its repository, with the same start and resolution, its severity, and — where the truth has
 * one — its root-cause reference (a commit SHA, a pull request `#n`, a deployment's log URL) written
 * somewhere a responder would: PagerDuty's title, or incident.io's "Root cause" custom field or its
 * summary. The rest name nothing, and link to the latest production deployment before. Deterministic from
 * the organisation and the seed, so a stand-in server serves the same incidents on every run and the truth
 * says what the warehouse must make of them.
 */
import { createHash } from "node:crypto";
import type { GeneratedOrg, TruthIncident } from "../ground-truth.ts";
import { createRng } from "../prng.ts";

export interface ExternalService {
  /** PagerDuty's id shape: P and six upper-case letters or digits. */
  id: string;
  name: string;
  /** The repository it maps to; null for a service with no incidents (quiet-night tests add them). */
  repository: string | null;
}

export interface ExternalIncident {
  /** The same incident in the ground truth. */
  truth: TruthIncident;
  service: ExternalService;
  /** PagerDuty's id shape (P…), and incident.io's (a ULID-like id). */
  pagerDutyId: string;
  incidentIoId: string;
  number: number;
  title: string;
  createdAt: string;
  resolvedAt: string | null;
  /** When the tool last changed it (its resolution, else minutes after it started). */
  updatedAt: string;
  severity: "sev1" | "sev2" | "sev3";
  /** The root cause as written, and where: the title/summary text, or the "Root cause" field. */
  reference: string | null;
  referenceIn: "text" | "field" | null;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

function idOf(prefix: string, text: string, length: number): string {
  const digest = createHash("sha256").update(text).digest();
  let out = prefix;
  for (let i = 0; out.length < length + prefix.length; i++) out += ALPHABET[(digest[i] as number) % 36];
  return out;
}

/** One service per repository of the organisation, then `extra` services that never have an incident. */
export function servicesOf(org: GeneratedOrg, extra = 0): ExternalService[] {
  const services: ExternalService[] = org.dataset.repositories.map((r) => ({
    id: idOf("P", `service:${r.owner}/${r.name}`, 6),
    name: `${r.name} service`,
    repository: `${r.owner}/${r.name}`,
  }));
  for (let i = 0; i < extra; i++)
    services.push({ id: idOf("P", `idle-service:${i}`, 6), name: `idle service ${i + 1}`, repository: null });
  return services;
}

/** Every incident of the truth, as an incident tool has it, in the order they started. */
export function externalIncidents(org: GeneratedOrg, seed = 1): ExternalIncident[] {
  const rng = createRng(seed * 7919 + 17);
  const services = servicesOf(org);
  const byRepository = new Map(services.map((s) => [s.repository, s]));
  const truth = [...org.truth.incidents].sort(
    (a, b) =>
      a.startedAt.localeCompare(b.startedAt) ||
      a.repository.localeCompare(b.repository) ||
      a.number - b.number,
  );
  return truth.map((incident, i) => {
    const service = byRepository.get(incident.repository) as ExternalService;
    const key = `${incident.repository}#${incident.number}`;
    const reference = incident.rootCause;
    const referenceIn = reference === null ? null : rng.chance(0.5) ? "text" : "field";
    const startedMs = Date.parse(incident.startedAt);
    const updatedAt =
      incident.resolvedAt ??
      new Date(startedMs + rng.int(5, 90) * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    return {
      truth: incident,
      service,
      pagerDutyId: idOf("Q", key, 13),
      incidentIoId: `01${idOf("", `incident.io:${key}`, 24)}`,
      number: i + 1,
      title: `${service.name.replace(/ service$/, "")}: incident ${incident.number}`,
      createdAt: incident.startedAt,
      resolvedAt: incident.resolvedAt,
      updatedAt,
      severity: incident.severity,
      reference,
      referenceIn,
    };
  });
}

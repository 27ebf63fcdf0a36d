/**
 * The people of a generated organisation: names, logins and git identities. An identity is a pure
 * function of the login, so that code changing a dataset later (org-evolver.ts) writes commits with the
 * same name and email as the generator did.
 */
import { ids } from "./node-ids.ts";

export interface Person {
  login: string;
  name: string;
  email: string;
}

export const FIRST_NAMES = [
  "Ada",
  "Grace",
  "Linus",
  "Margaret",
  "Alan",
  "Barbara",
  "Ken",
  "Radia",
  "Edsger",
  "Frances",
  "Donald",
  "Katherine",
  "Dennis",
  "Hedy",
  "Tim",
  "Sophie",
  "John",
  "Annie",
  "Guido",
  "Joan",
  "Niklaus",
  "Karen",
  "Bjarne",
  "Adele",
  "Yukihiro",
  "Shafi",
  "Leslie",
  "Anita",
  "Brian",
  "Evelyn",
] as const;

export const LAST_NAMES = [
  "Okafor",
  "Lindqvist",
  "Moreau",
  "Tanaka",
  "Novak",
  "Haddad",
  "Kowalski",
  "Fernandes",
  "Nguyen",
  "Schmidt",
  "Osei",
  "Ivanova",
  "Rossi",
  "Kim",
  "Patel",
  "Larsen",
  "Mensah",
  "Silva",
  "Weber",
  "Murphy",
] as const;

/** Humans whose first names are also AI product names: authorship detection must not be fooled by them. */
export const LOOK_ALIKE_PEOPLE = { claude: "claude-martin", devin: "devin-walsh" } as const;

export function loginFor(first: string, last: string): string {
  return `${first}-${last}`.toLowerCase();
}

/** Git identity of a human login like "ada-okafor": "Ada Okafor", with a work or a GitHub no-reply email. */
export function personFor(login: string, organization: string): Person {
  const parts = login.split("-").filter(Boolean);
  const name = parts.map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join(" ");
  const userId = ids.user(login).databaseId;
  const email =
    userId % 3 === 0
      ? `${userId}+${login}@users.noreply.github.com`
      : `${parts.join(".")}@${organization.toLowerCase()}.example`;
  return { login, name, email };
}

/** The no-reply address GitHub puts in Co-authored-by trailers it writes (e.g. for the Copilot agent). */
export function noreplyEmail(login: string): string {
  return `${ids.user(login).databaseId}+${login}@users.noreply.github.com`;
}

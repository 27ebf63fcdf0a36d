/** Users and bots (interface `Actor`): bots' logins carry no `[bot]` suffix, as in GitHub's GraphQL. */
import type { IndexedActor } from "../dataset-index.ts";
import { ids } from "../node-ids.ts";
import { type Obj, WEB } from "./shared.ts";

export function actorObject(a: IndexedActor): Obj {
  const url = a.type === "Bot" ? `${WEB}/apps/${a.login}` : `${WEB}/${a.login}`;
  return {
    __typename: a.type,
    id: a.nodeId,
    databaseId: a.databaseId,
    login: a.login,
    name: a.name,
    email: "",
    company: null,
    url,
    resourcePath: url.slice(WEB.length),
    avatarUrl: `https://avatars.githubusercontent.com/${a.type === "Bot" ? "in" : "u"}/${a.databaseId}?v=4`,
    createdAt: "2018-01-01T00:00:00Z",
    updatedAt: "2018-01-01T00:00:00Z",
  };
}

/** A user the dataset does not list (the viewer, GitHub's `ghost`). */
export function syntheticUser(login: string): IndexedActor {
  return { login, type: "User", ...ids.user(login), name: null };
}

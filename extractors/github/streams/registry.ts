/** Every GitHub stream the extractor runs, in order. */
import { pullRequestsStream } from "./pull-requests.stream.ts";
import type { StreamDefinition } from "./stream-definition.ts";

// biome-ignore lint/suspicious/noExplicitAny: each stream has its own response and node types.
export const GITHUB_STREAMS: readonly StreamDefinition<any, any>[] = [pullRequestsStream];

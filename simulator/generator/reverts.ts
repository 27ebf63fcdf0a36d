/**
 * Reverts: merged pull requests that were planned to be reverted (defective ones far more often) get a
 * revert pull request within days, in working hours. The revert takes the slot of the first pull request
 * opened at or after that moment, so the organisation keeps exactly the number of pull requests asked
 * for, and a pull request planned for a revert is never the one replaced.
 */
import type { Rng } from "../prng.ts";
import { type DraftContext, type PrDraft, revertDraft } from "./pull-requests.ts";
import { floorSecond, MINUTE, nextWorkingMoment } from "./time.ts";

/** Replaces drafts by reverts in place (`drafts[i].index === i`) and links each revert to its target. */
export function planReverts(rng: Rng, ctx: DraftContext, drafts: PrDraft[]): void {
  const endMs = ctx.org.endMs;
  const byCreated = [...drafts].sort((a, b) => a.createdMs - b.createdMs || a.index - b.index);
  const targets: { draft: PrDraft; at: number }[] = [];
  for (const draft of drafts) {
    if (draft.revertDelayMs === null || draft.mergedMs === null) continue;
    const at = floorSecond(nextWorkingMoment(draft.mergedMs + draft.revertDelayMs, 8, 19));
    if (at < endMs - 30 * MINUTE) targets.push({ draft, at });
    else draft.revertDelayMs = null;
  }
  targets.sort((a, b) => a.at - b.at || a.draft.index - b.draft.index);
  const blocked = new Set(targets.map((t) => t.draft.index));
  const replaced = new Set<number>();
  for (const { draft: target, at } of targets) {
    let i = firstAtOrAfter(byCreated, at);
    while (i < byCreated.length) {
      const slot = byCreated[i] as PrDraft;
      if (!blocked.has(slot.index) && !replaced.has(slot.index)) break;
      i++;
    }
    const slot = byCreated[i];
    if (!slot) {
      target.revertDelayMs = null;
      continue;
    }
    replaced.add(slot.index);
    const revert = revertDraft(rng.fork(`revert:${slot.index}`), ctx, target, at, slot.index);
    target.revertedBy = revert;
    drafts[slot.index] = revert;
  }
}

function firstAtOrAfter(sorted: PrDraft[], ms: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as PrDraft).createdMs < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

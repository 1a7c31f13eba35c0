import type { ProposedTrigger } from "./types";

/** "every weekday at 9:00 (schedule)": how a proposed trigger reads in a sentence. */
export function triggerSummary(trigger: Pick<ProposedTrigger, "kind" | "description">): string {
  return `${trigger.description} (${trigger.kind})`;
}

/** Where the user sets the proposed triggers up (the planner creates none), or null when there are none. */
export function triggerSetupHint(
  triggers: readonly Pick<ProposedTrigger, "kind" | "description">[],
): string | null {
  if (triggers.length === 0) return null;
  return `This workflow would start ${triggers.map(triggerSummary).join("; ")}. Set ${triggers.length === 1 ? "it" : "them"} up in the workflow's Triggers dialog.`;
}

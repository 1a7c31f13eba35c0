import type { Command } from "./document-commands";
import type { WorkflowDocument } from "@/engine/schema/workflow-document";

/**
 * Replaces the canvas's nodes, edges and description with a proposal's, as one undoable editor
 * command (the workflow's name and settings stay). Autosave then saves it like any other edit.
 */
export function replaceWithProposal(proposal: WorkflowDocument): Command {
  return {
    label: "Replace with the proposal",
    apply: (doc) => {
      doc.nodes = structuredClone(proposal.nodes);
      doc.edges = structuredClone(proposal.edges);
      if (proposal.description === undefined) delete doc.description;
      else doc.description = proposal.description;
    },
  };
}

import type { Metadata } from "next";
import { WorkflowEditor } from "@/components/workflow-editor/workflow-editor";
import { uuidOrNotFound } from "@/components/ui/route-params";

export const metadata: Metadata = { title: "Workflow editor" };

export default async function WorkflowEditorRoute({ params }: { params: Promise<{ id: string }> }) {
  const id = uuidOrNotFound((await params).id);
  return <WorkflowEditor key={id} workflowId={id} />;
}

import type { Metadata } from "next";
import { WorkflowEditor } from "@/components/workflow-editor/workflow-editor";

export const metadata: Metadata = { title: "Workflow editor" };

export default async function WorkflowEditorRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <WorkflowEditor key={id} workflowId={id} />;
}

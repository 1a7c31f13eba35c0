import type { Metadata } from "next";
import { DatasetPage } from "@/components/datasets/dataset-page";
import { uuidOrNotFound } from "@/components/ui/route-params";

export const metadata: Metadata = { title: "Dataset" };

export default async function DatasetRoute({
  params,
}: {
  params: Promise<{ id: string; datasetId: string }>;
}) {
  const { id, datasetId } = await params;
  const workflowId = uuidOrNotFound(id);
  return (
    <DatasetPage key={datasetId} workflowId={workflowId} datasetId={uuidOrNotFound(datasetId)} />
  );
}

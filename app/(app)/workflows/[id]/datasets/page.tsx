import type { Metadata } from "next";
import { DatasetsPage } from "@/components/datasets/datasets-page";
import { uuidOrNotFound } from "@/components/ui/route-params";

export const metadata: Metadata = { title: "Datasets" };

export default async function DatasetsRoute({ params }: { params: Promise<{ id: string }> }) {
  const id = uuidOrNotFound((await params).id);
  return <DatasetsPage key={id} workflowId={id} />;
}

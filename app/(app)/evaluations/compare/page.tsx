import type { Metadata } from "next";
import { ComparePage } from "@/components/evaluations/compare-page";
import { uuidOrNotFound } from "@/components/ui/route-params";

export const metadata: Metadata = { title: "Compare evaluations" };

/** /evaluations/compare?base=<evaluation id>&candidate=<evaluation id> */
export default async function CompareEvaluationsRoute({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const query = await searchParams;
  const base = uuidOrNotFound(typeof query.base === "string" ? query.base : "");
  const candidate = uuidOrNotFound(typeof query.candidate === "string" ? query.candidate : "");
  return <ComparePage key={`${base}:${candidate}`} baseId={base} candidateId={candidate} />;
}

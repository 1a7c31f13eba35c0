import type { Metadata } from "next";
import { EntryDetail } from "@/components/marketplace/entry-detail";
import { uuidOrNotFound } from "@/components/ui/route-params";

export const metadata: Metadata = { title: "MCP server" };

export default async function MarketplaceEntryPage({
  params,
}: {
  params: Promise<{ id: string }>;
}) {
  const id = uuidOrNotFound((await params).id);
  return <EntryDetail id={id} />;
}

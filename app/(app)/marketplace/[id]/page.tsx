import type { Metadata } from "next";
import { EntryDetail } from "@/components/marketplace/entry-detail";

export const metadata: Metadata = { title: "MCP server" };

export default async function MarketplaceEntryPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <EntryDetail id={id} />;
}

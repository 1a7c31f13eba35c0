import type { Metadata } from "next";
import { ComingSoon } from "@/components/shell/coming-soon";

export const metadata: Metadata = { title: "Marketplace" };

export default function MarketplacePage() {
  return <ComingSoon href="/marketplace" />;
}

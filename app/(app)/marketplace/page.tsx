import type { Metadata } from "next";
import { CatalogPage } from "@/components/marketplace/catalog-page";

export const metadata: Metadata = { title: "Marketplace" };

export default function MarketplacePage() {
  return <CatalogPage />;
}

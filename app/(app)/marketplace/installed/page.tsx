import type { Metadata } from "next";
import { InstalledList } from "@/components/marketplace/installed-list";

export const metadata: Metadata = { title: "Installed servers" };

export default function InstalledServersPage() {
  return <InstalledList />;
}

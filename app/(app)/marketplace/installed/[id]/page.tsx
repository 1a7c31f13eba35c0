import type { Metadata } from "next";
import { InstallationPage } from "@/components/marketplace/installation-page";

export const metadata: Metadata = { title: "Installed server" };

export default async function InstalledServerPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <InstallationPage id={id} />;
}

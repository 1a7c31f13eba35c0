import type { Metadata } from "next";
import { InstallationPage } from "@/components/marketplace/installation-page";
import { uuidOrNotFound } from "@/components/ui/route-params";

export const metadata: Metadata = { title: "Installed server" };

export default async function InstalledServerPage({ params }: { params: Promise<{ id: string }> }) {
  const id = uuidOrNotFound((await params).id);
  return <InstallationPage id={id} />;
}

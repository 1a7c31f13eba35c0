import type { Metadata } from "next";
import { TenantsPage } from "@/components/admin/tenants";

export const metadata: Metadata = { title: "Tenants · Admin" };

export default function Page() {
  return <TenantsPage />;
}

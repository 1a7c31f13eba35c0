import type { Metadata } from "next";
import { AuditLogPage } from "@/components/admin/audit-log";

export const metadata: Metadata = { title: "Audit log · Admin" };

export default function Page() {
  return <AuditLogPage />;
}

import { PageHeader } from "@/components/ui/states";
import { AdminTabs } from "@/components/admin/admin-tabs";

export default function AdminLayout({ children }: { children: React.ReactNode }) {
  return (
    <>
      <PageHeader
        title="Admin"
        description="Members and roles, API tokens, limits, usage, LLM providers and the audit log."
      />
      <AdminTabs />
      {children}
    </>
  );
}

import { SearchX } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState } from "@/components/ui/states";

export const metadata: Metadata = { title: "Not found" };

/** What a wrong address shows, inside the app's shell so the way back is one click away. */
export default function NotFound() {
  return (
    <EmptyState icon={SearchX} title="Nothing here">
      <p className="max-w-md text-sm text-muted-foreground">
        This address names no page, or a workflow, run, server or alert that does not exist in this
        tenant.
      </p>
      <div className="flex gap-4 text-sm">
        <Link href="/workflows" className="underline underline-offset-2">
          Workflows
        </Link>
        <Link href="/runs" className="underline underline-offset-2">
          Runs
        </Link>
        <Link href="/marketplace" className="underline underline-offset-2">
          Marketplace
        </Link>
      </div>
    </EmptyState>
  );
}

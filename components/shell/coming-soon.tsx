import { Hammer } from "lucide-react";
import { NAV_ITEMS } from "./nav";
import { EmptyState, PageHeader } from "@/components/ui/states";

/** A section whose feature is still being built: says what it will hold, so nobody thinks it broke. */
export function ComingSoon({ href }: { href: string }) {
  const item = NAV_ITEMS.find((i) => i.href === href);
  return (
    <>
      <PageHeader title={item?.label ?? "Coming soon"} description={item?.description} />
      <EmptyState icon={Hammer} title="Coming soon">
        <p className="max-w-md text-sm text-muted-foreground">This part of Maestro is being built. {item?.description}</p>
      </EmptyState>
    </>
  );
}

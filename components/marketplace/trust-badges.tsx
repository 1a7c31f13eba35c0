import { BadgeCheck, Ban, TriangleAlert } from "lucide-react";

/** What the catalog knows about where an entry comes from: verified namespace, registry status. */
export function TrustBadges({
  isVerified,
  registryStatus,
}: {
  isVerified: boolean;
  registryStatus: "active" | "deprecated" | "deleted" | null;
}) {
  return (
    <>
      {isVerified ? (
        <span
          className="inline-flex items-center gap-1 text-emerald-700 dark:text-emerald-400"
          title="Built in, or an io.github namespace whose repository has the same owner"
        >
          <BadgeCheck className="size-3" aria-hidden />
          Verified
        </span>
      ) : null}
      {registryStatus === "deprecated" ? (
        <span className="inline-flex items-center gap-1 rounded bg-amber-100 px-1.5 py-0.5 text-amber-800 dark:bg-amber-950 dark:text-amber-300">
          <TriangleAlert className="size-3" aria-hidden />
          Deprecated
        </span>
      ) : registryStatus === "deleted" ? (
        <span className="inline-flex items-center gap-1 rounded bg-red-100 px-1.5 py-0.5 text-red-800 dark:bg-red-950 dark:text-red-300">
          <Ban className="size-3" aria-hidden />
          Removed from its registry
        </span>
      ) : null}
    </>
  );
}

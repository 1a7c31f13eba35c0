"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/react";

/** The signed-in user's session (cached; the shell loads it first). `can("workflow.edit")` hides what a role may not do. */
export function useMe() {
  const trpc = useTRPC();
  const me = useQuery(trpc.session.me.queryOptions());
  const permissions = new Set<string>(me.data?.permissions ?? []);
  return { ...me, can: (permission: string) => permissions.has(permission) };
}

"use client";

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState, type ReactNode } from "react";
import type { AppRouter } from "@/server/api/root";
import { transformer } from "./transformer";

/** `const trpc = useTRPC(); useQuery(trpc.workflow.list.queryOptions({}))`. */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/**
 * The session ended while the page was open (signed out elsewhere, "sign out everywhere", a
 * password change): go to the sign-in page, which brings the person back here afterwards.
 */
function signInAgainWhenSignedOut(error: unknown) {
  if (errorCode(error) !== "UNAUTHORIZED" || window.location.pathname.startsWith("/signin")) return;
  const here = `${window.location.pathname}${window.location.search}`;
  // A full load, not the router: its cache holds pages fetched while the session was alive.
  // eslint-disable-next-line @next/next/no-location-assign-relative-destination
  window.location.assign(`/signin?callbackUrl=${encodeURIComponent(here)}`);
}

function makeQueryClient() {
  return new QueryClient({
    queryCache: new QueryCache({ onError: signInAgainWhenSignedOut }),
    mutationCache: new MutationCache({ onError: signInAgainWhenSignedOut }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // A 4xx will not get better by asking again.
        retry: (count, error) =>
          count < 2 && !/^(UNAUTHORIZED|FORBIDDEN|NOT_FOUND|BAD_REQUEST)$/.test(errorCode(error)),
      },
    },
  });
}

export function errorCode(error: unknown): string {
  return (error as { data?: { code?: string } } | null)?.data?.code ?? "";
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          // Subscriptions (live run events) stream over server-sent events; the rest is batched HTTP.
          condition: (op) => op.type === "subscription",
          true: httpSubscriptionLink({ url: "/api/trpc", transformer }),
          false: httpBatchLink({ url: "/api/trpc", transformer }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}

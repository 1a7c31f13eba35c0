import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

type Outputs = inferRouterOutputs<AppRouter>["autonomy"];
export type Proposal = Outputs["propose"];
export type ProposedServer = Proposal["servers"][number];
export type Recommendation = Outputs["recommend"]["items"][number];
export type ProposedTrigger = Proposal["triggers"][number];

import { hookApi } from "@/server/api/hook-http";

/** Webhook triggers (server/api/hook-http.ts); `npm start` serves them through server/front-door.ts. */
export const dynamic = "force-dynamic";

type RouteContext = { params: Promise<{ id: string }> };

const handle = async (request: Request, context: RouteContext) =>
  hookApi(request, (await context.params).id);

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };

import { restApi } from "@/server/api/rest-http";

/** The REST API (server/api/rest-http.ts); `npm start` serves it through server/front-door.ts. */
export const dynamic = "force-dynamic";

type RouteContext = { params: Promise<{ path: string[] }> };

const handle = async (request: Request, context: RouteContext) =>
  restApi(request, (await context.params).path.join("/"));

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };

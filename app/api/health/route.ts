import { healthApi } from "@/server/api/health-http";

/** 200 when the database answers (server/api/health-http.ts); `npm start` serves it through server/front-door.ts. */
export const dynamic = "force-dynamic";

export const GET = healthApi;

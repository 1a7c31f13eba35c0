import { errorResponse, runNotStored, toErrorResponse } from "@/server/api/rest-errors";
import { getDatabase } from "@/server/db";
import { getEnv } from "@/server/env";
import { readBytesCapped, readRequestMeta } from "@/server/http";
import { describeInputProblem, findInputProblem } from "@/server/input-guards";
import { withMetrics } from "@/server/observability/metrics";
import { getRunSystem } from "@/server/run-system";
import { SecretDecryptError } from "@/server/secrets";
import { isNeverStored } from "@/server/services/run-journal";
import { openRunInbox, waitForRun } from "@/server/services/run-stream";
import { runEventStreamResponse } from "@/server/api/run-event-stream";
import { getRun, idempotencyKeyInput } from "@/server/services/runs";
import {
  findInboundHook,
  recordTestRequest,
  startHookRun,
  type InboundHook,
} from "@/server/services/webhooks-inbound";
import {
  headersWithoutSecrets,
  isAuthentic,
  isSecretHeader,
  mapHookInput,
  multiMapOf,
  parseHookBody,
} from "@/server/services/webhooks-request";

/**
 * Webhook triggers (README "Triggers"): `/api/hooks/<publicId>` starts a run of the hook's
 * workflow. Checked in this order, each answering JSON `{ error: { code, message } }`: an unknown
 * or disabled hook is 404 (the same answer, so a URL never tells whether it existed), another
 * method 405, a body over MAX_REQUEST_BYTES 413, a missing or wrong secret or signature 401 (the
 * signature is over the raw body bytes), a body that is neither JSON nor a form 400, input the
 * workflow refuses 400 with field errors, a paused workflow 409, a quota or rate limit 429 with
 * Retry-After, an Idempotency-Key reused for another request 422. Then, by the hook's response
 * mode: 202 at once, the run's output when it ends in time, or its events as server-sent events.
 */

const noStore = { "cache-control": "no-store" };
const runLinks = (id: string) => ({ self: `/api/v1/runs/${id}`, web: `/runs/${id}` });
/** What "listen for a test request" keeps of a body: enough to build a mapping, not a whole upload. */
const MAX_KEPT_BODY_BYTES = 64 * 1024;

/** The headers a mapping may read: all but the hook's secret header and credentials. */
function mappableHeaders(headers: Headers, authHeader: string): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (!isSecretHeader(name, authHeader)) result[name] = value;
  });
  return result;
}

async function receive(request: Request, id: string): Promise<Response> {
  try {
    const { db } = await getDatabase();
    let hook: InboundHook | undefined;
    try {
      hook = await findInboundHook(db, id);
    } catch (error) {
      if (!(error instanceof SecretDecryptError)) throw error;
      return errorResponse(
        503,
        "SECRET_UNREADABLE",
        "This webhook's secret cannot be read on this server (the app key changed): an editor must rotate its secret.",
      );
    }
    if (!hook) return errorResponse(404, "NOT_FOUND", "No webhook at this address.");
    const { config } = hook;
    if (request.method !== config.method) {
      const response = errorResponse(
        405,
        "METHOD_NOT_ALLOWED",
        `This webhook takes ${config.method} requests.`,
        { allowed: config.method },
      );
      response.headers.set("allow", config.method);
      return response;
    }
    const { maxRequestBytes } = getEnv();
    const raw = await readBytesCapped(request, maxRequestBytes);
    if (!raw)
      return errorResponse(
        413,
        "PAYLOAD_TOO_LARGE",
        `The body is larger than ${maxRequestBytes} bytes.`,
      );
    if (!isAuthentic(config, hook.secret, request.headers, raw)) {
      const how =
        config.auth === "header"
          ? `the webhook's secret in the ${config.authHeader} header`
          : `${config.authHeader}: sha256=<HMAC-SHA256 of the body under the webhook's secret, in hex>`;
      return errorResponse(
        401,
        "UNAUTHORIZED",
        `The secret or signature is missing or wrong: send ${how}.`,
      );
    }

    const text = Buffer.from(raw).toString("utf8");
    const body = parseHookBody(text, request.headers.get("content-type"));
    const query = multiMapOf(new URL(request.url).searchParams);
    if (hook.isListening) {
      const kept =
        raw.byteLength > MAX_KEPT_BODY_BYTES
          ? `(a body of ${raw.byteLength} bytes, too large to keep)`
          : body.ok
            ? (body.value ?? null)
            : text;
      const captured = {
        method: request.method,
        query,
        headers: headersWithoutSecrets(request.headers, config.authHeader),
        body: kept,
      };
      // Keeping the request is a courtesy: what the database cannot store (NUL bytes, deep nesting) is
      // described instead, and a failure to keep it never fails the request itself.
      const problem = findInputProblem(captured);
      await recordTestRequest(
        db,
        hook,
        problem
          ? {
              method: request.method,
              note: `The request could not be kept: ${describeInputProblem(problem)}.`,
            }
          : captured,
      ).catch((error: unknown) =>
        console.error(`Keeping a test request of webhook ${hook.id} failed:`, error),
      );
    }
    if (!body.ok) return errorResponse(400, "BAD_REQUEST", body.message);
    const idempotencyKey = request.headers.get("idempotency-key") ?? undefined;
    if (idempotencyKey !== undefined && !idempotencyKeyInput.safeParse(idempotencyKey).success) {
      return errorResponse(
        400,
        "BAD_REQUEST",
        "The Idempotency-Key header must be 1 to 255 printable ASCII characters without spaces.",
      );
    }

    const input = mapHookInput(config.mapping, {
      method: request.method,
      body: body.value,
      query,
      headers: mappableHeaders(request.headers, config.authHeader),
    });
    const system = await getRunSystem();
    // A start that will be followed listens before the run exists, so it never reads the run's history.
    const inbox =
      config.response === "async" ? undefined : await openRunInbox(system.bus, hook.tenantId);
    let started: Awaited<ReturnType<typeof startHookRun>>;
    try {
      started = await startHookRun(db, system.runDeps, hook, {
        input,
        idempotencyKey,
        meta: readRequestMeta(request.headers),
      });
    } catch (error) {
      inbox?.close();
      throw error;
    }
    const { ctx, run } = started;
    // A replayed start's run began earlier: its events are history, read from the database.
    if (run.isReplay) inbox?.close();
    const fresh = run.isReplay ? undefined : inbox;
    const headers = {
      ...noStore,
      location: runLinks(run.id).self,
      ...(run.isReplay ? { "idempotent-replayed": "true" } : {}),
    };
    const accepted = () =>
      Response.json(
        { id: run.id, status: run.status, links: runLinks(run.id) },
        { status: 202, headers },
      );
    const timeoutMs = config.timeoutSeconds * 1000;

    if (config.response === "stream") {
      return runEventStreamResponse(ctx, system.bus, run.id, {
        timeoutMs,
        signal: request.signal,
        headers,
        inbox: fresh,
        final: async () => {
          // A stream that ran out of time may end before its run was stored (RunJournal.startRun).
          await system.runDeps.journal.release(run.id).catch(() => undefined);
          const { run: ended } = await getRun(ctx, run.id, { plan: false });
          return {
            id: ended.id,
            status: ended.status,
            output: ended.output ?? null,
            error: ended.error ?? null,
            links: runLinks(ended.id),
          };
        },
      });
    }
    if (config.response === "async") return accepted();
    const settled = await waitForRun(ctx, system.bus, run.id, {
      timeoutMs,
      signal: request.signal,
      inbox: fresh,
    });
    if (!settled || settled.type === "run.waiting") {
      // Answered before its end: the run is stored first, so where to follow it can be read.
      await system.runDeps.journal.release(run.id).catch(() => undefined);
      return accepted();
    }
    if (isNeverStored(settled)) return runNotStored(settled.error.message);
    const { run: ended } = await getRun(ctx, run.id, { plan: false });
    if (ended.status === "completed")
      return Response.json(ended.output ?? null, { status: 200, headers });
    // The request was fine; the workflow was not: 422 with the run's error, not a server error.
    return errorResponse(
      422,
      "RUN_FAILED",
      ended.error?.message ?? `The run ended ${ended.status}.`,
      {
        details: {
          runId: ended.id,
          status: ended.status,
          error: ended.error ?? null,
          links: runLinks(ended.id),
        },
      },
    );
  } catch (error) {
    return toErrorResponse(error, "A webhook request");
  }
}

/** `/api/hooks/<id>`, from app/api/hooks/[id]/route.ts or the front door. */
export const hookApi = withMetrics("/api/hooks", receive);

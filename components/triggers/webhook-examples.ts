/**
 * What the Webhooks tab derives from a hook's settings and the last test request, without React:
 * the curl example and the mapping sources a received request offers.
 */

/** A JSON body shaped by the mapping's `body.*` sources (a placeholder at each leaf), or a sample for an unmapped hook. */
export function exampleBody(mapping: Record<string, string>): unknown {
  const sources = Object.entries(mapping).filter(([, source]) => source.startsWith("body."));
  if (Object.keys(mapping).length === 0) return { name: "Ada" };
  const body: Record<string, unknown> = {};
  for (const [field, source] of sources) {
    const path = source.split(".").slice(1);
    let node = body;
    path.forEach((key, i) => {
      if (i === path.length - 1) node[key] ??= `<${field}>`;
      else node = (node[key] ??= {}) as Record<string, unknown>;
    });
  }
  return body;
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** A curl command that calls the hook as configured, signing the body when the hook wants a signature. */
export function curlExample(
  url: string,
  config: {
    method: string;
    auth: "none" | "header" | "hmac-sha256";
    authHeader: string;
    mapping: Record<string, string>;
  },
): string {
  const queryFields = Object.values(config.mapping).filter((s) => s.startsWith("query."));
  const query = queryFields.length
    ? `?${queryFields.map((s) => `${s.slice("query.".length)}=value`).join("&")}`
    : "";
  const headerFields = Object.values(config.mapping).filter((s) => s.startsWith("headers."));
  const lines: string[] = [];
  const hasBody = config.method !== "GET";
  const body = JSON.stringify(exampleBody(config.mapping));
  if (hasBody || config.auth === "hmac-sha256")
    lines.push(`BODY=${shellQuote(hasBody ? body : "")}`);
  if (config.auth === "hmac-sha256") {
    lines.push(
      `SIGNATURE="sha256=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$WEBHOOK_SECRET" | sed 's/^.* //')"`,
    );
  }
  const parts = [`curl -X ${config.method} ${shellQuote(url + query)}`];
  if (hasBody) parts.push(`-H 'Content-Type: application/json'`);
  if (config.auth === "hmac-sha256") parts.push(`-H "${config.authHeader}: $SIGNATURE"`);
  if (config.auth === "header") parts.push(`-H "${config.authHeader}: $WEBHOOK_SECRET"`);
  for (const source of headerFields) parts.push(`-H '${source.slice("headers.".length)}: value'`);
  if (hasBody) parts.push(`--data-binary "$BODY"`);
  lines.push(parts.join(" \\\n  "));
  return lines.join("\n");
}

/** Every mapping source a received request offers: each body path down to its leaves, each query field, each header. */
export function sourcesOfRequest(request: unknown, limit = 200): string[] {
  if (!request || typeof request !== "object") return [];
  const { body, query, headers } = request as {
    body?: unknown;
    query?: Record<string, unknown>;
    headers?: Record<string, unknown>;
  };
  const sources: string[] = ["body"];
  const walk = (value: unknown, path: string, depth: number) => {
    if (sources.length >= limit || depth > 6 || value === null || typeof value !== "object") return;
    for (const [key, child] of Object.entries(value).slice(0, 50)) {
      if (/[.\s]/.test(key)) continue; // a source cannot name a key with a dot or a space
      sources.push(`${path}.${key}`);
      walk(child, `${path}.${key}`, depth + 1);
    }
  };
  walk(body, "body", 0);
  for (const key of Object.keys(query ?? {})) if (!/[.\s]/.test(key)) sources.push(`query.${key}`);
  for (const key of Object.keys(headers ?? {})) sources.push(`headers.${key}`);
  return sources.slice(0, limit);
}

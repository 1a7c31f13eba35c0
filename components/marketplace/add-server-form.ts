import { z } from "zod";
import type { inferRouterInputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

/**
 * The Add server form's state, its checks and its conversion to `mcp.addServer`'s input, kept
 * apart from the dialog so they are tested alone. The form's rules are the server's (the server
 * checks again and its field errors land on the same fields).
 */

export type AddServerInput = inferRouterInputs<AppRouter>["mcp"]["addServer"];
export type ServerKind = AddServerInput["kind"];
export type NamedRow = { name: string; value: string; isSecret: boolean };

export type AddServerForm = {
  kind: ServerKind;
  name: string;
  package: string;
  version: string;
  command: string;
  /** One argument per line. */
  args: string;
  env: NamedRow[];
  transport: "streamable-http" | "sse";
  url: string;
  headers: NamedRow[];
};

export const EMPTY_FORM: AddServerForm = {
  kind: "npm",
  name: "",
  package: "",
  version: "",
  command: "",
  args: "",
  env: [],
  transport: "streamable-http",
  url: "",
  headers: [],
};

const name = z
  .string()
  .trim()
  .min(1, "Give the server a name")
  .max(60, "At most 60 characters")
  .regex(
    /^[a-z0-9][a-z0-9_-]*$/,
    "Lower-case letters, digits, - and _ only (workflows refer to the server by this name)",
  );

/** Name and value rows; every row's problem is found at once, each on its own field. */
const rows = (pattern: RegExp, rule: string, what: string) =>
  z
    .array(
      z.object({ name: z.string().max(200), value: z.string().max(4000), isSecret: z.boolean() }),
    )
    .max(50)
    // Rows left wholly empty are dropped, not errors.
    .transform((list) =>
      list
        .filter((row) => row.name.trim() || row.value)
        .map((row) => ({ ...row, name: row.name.trim() })),
    )
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((row, index) => {
        const key = row.name.toLowerCase();
        const message = !key
          ? `Name the ${what}`
          : !pattern.test(row.name)
            ? rule
            : seen.has(key)
              ? `${row.name} is given twice`
              : null;
        if (message) ctx.addIssue({ code: "custom", path: [index, "name"], message });
        seen.add(key);
      });
    });

const envRows = rows(
  /^[A-Za-z_][A-Za-z0-9_]*$/,
  "Letters, digits and _ only, not starting with a digit",
  "variable",
);
const headerRows = rows(
  /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/,
  "A header name: letters, digits and - only",
  "header",
);

const argLines = z.string().transform((text) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean),
);

/** The form as `mcp.addServer`'s input; its issues' paths are the form's field names. */
export const addServerFormSchema = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("npm"),
      name,
      package: z
        .string()
        .trim()
        .min(1, "Give the package's name")
        .regex(
          /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/,
          "An npm package name, e.g. @modelcontextprotocol/server-everything",
        ),
      version: z
        .string()
        .trim()
        .max(100)
        .regex(/^[A-Za-z0-9._^~<>=*+|-]*$/, "A version or range, e.g. 1.2.3 or latest"),
      args: argLines,
      env: envRows,
    })
    .transform((form): AddServerInput => ({
      kind: "npm",
      name: form.name,
      package: form.package,
      ...(form.version ? { version: form.version } : {}),
      args: form.args,
      env: form.env,
    })),
  z
    .object({
      kind: z.literal("command"),
      name,
      command: z.string().trim().min(1, "Give the command, e.g. npx or uvx"),
      args: argLines,
      env: envRows,
    })
    .transform((form): AddServerInput => ({
      kind: "command",
      name: form.name,
      command: form.command,
      args: form.args,
      env: form.env,
    })),
  z
    .object({
      kind: z.literal("url"),
      name,
      transport: z.enum(["streamable-http", "sse"]),
      url: z
        .string()
        .trim()
        .pipe(
          z.url({ protocol: /^https?$/, error: "An http(s) URL, e.g. https://example.com/mcp" }),
        ),
      headers: headerRows,
    })
    .transform((form): AddServerInput => ({
      kind: "url",
      name: form.name,
      transport: form.transport,
      url: form.url,
      headers: form.headers,
    })),
]);

/** Field errors by the form's names: `name`, `package`, `env.0.name`, …; the first message per field. */
export type FormErrors = Record<string, string>;

export function checkAddServerForm(
  form: AddServerForm,
): { input: AddServerInput; errors: null } | { input: null; errors: FormErrors } {
  const parsed = addServerFormSchema.safeParse(form);
  if (parsed.success) return { input: parsed.data, errors: null };
  const errors: FormErrors = {};
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String).join(".") || "form";
    errors[path] ??= issue.message;
  }
  return { input: null, errors };
}

/** An input back as the form that makes it (the inverse of checkAddServerForm's conversion). */
export function formOf(input: AddServerInput): AddServerForm {
  const lines = (list: string[] | undefined) => (list ?? []).join("\n");
  const named = (list: { name: string; value: string; isSecret?: boolean }[] | undefined) =>
    (list ?? []).map((row) => ({
      name: row.name,
      value: row.value,
      isSecret: row.isSecret ?? false,
    }));
  switch (input.kind) {
    case "npm":
      return {
        ...EMPTY_FORM,
        kind: "npm",
        name: input.name,
        package: input.package,
        version: input.version ?? "",
        args: lines(input.args),
        env: named(input.env),
      };
    case "command":
      return {
        ...EMPTY_FORM,
        kind: "command",
        name: input.name,
        command: input.command,
        args: lines(input.args),
        env: named(input.env),
      };
    case "url":
      return {
        ...EMPTY_FORM,
        kind: "url",
        name: input.name,
        transport: input.transport ?? "streamable-http",
        url: input.url,
        headers: named(input.headers),
      };
  }
}

import { UriTemplate } from "@modelcontextprotocol/sdk/shared/uriTemplate.js";
import { AppError } from "@/engine/errors";
import type { CheckedTool } from "./tool-schemas";

/**
 * What an inspector session checks around its requests, before anything is sent (the tool is
 * listed and usable and its arguments fit its input schema; a prompt's arguments are known and the
 * required ones given; a URI template's variables all have values) and after (a tool's structured
 * output against its output schema, a verdict shown rather than thrown). Failures before sending
 * are AppErrors naming the field to fix, as the tool runner's form shows them.
 */

/**
 * The structured output judged against the tool's `outputSchema`: "none" when the tool has no
 * schema, "missing" when it has one but the result carries no structured content.
 */
export type OutputCheck = {
  status: "valid" | "invalid" | "missing" | "none";
  message: string | null;
};

/** The listed tool to call with `args`, or the AppError that says why it cannot be. */
export function toolToRun(
  server: string,
  tools: Map<string, CheckedTool>,
  name: string,
  args: Record<string, unknown>,
): CheckedTool {
  const tool = tools.get(name);
  if (!tool) throw new AppError("NOT_FOUND", `${server} has no tool "${name}"`, { field: "tool" });
  if (tool.unusableReason)
    throw new AppError("CONFLICT", `${name} cannot be used: ${tool.unusableReason}`);
  const checked = tool.validateInput?.(args);
  if (checked && !checked.valid)
    throw new AppError(
      "INVALID_INPUT",
      `The arguments do not match the tool's schema: ${checked.errorMessage}`,
      { field: "args" },
    );
  return tool;
}

/** A prompt's arguments to send (the empty ones left out), once each is known and the required ones given. */
export function promptArguments(
  prompt: { name: string; arguments?: { name: string; required?: boolean }[] },
  args: Record<string, string>,
): Record<string, string> {
  const known = new Set((prompt.arguments ?? []).map((a) => a.name));
  for (const key of Object.keys(args))
    if (!known.has(key))
      throw new AppError("INVALID_INPUT", `The prompt "${prompt.name}" has no argument "${key}"`, {
        field: `args.${key}`,
      });
  for (const argument of prompt.arguments ?? [])
    if (argument.required && !args[argument.name]?.trim())
      throw new AppError("INVALID_INPUT", `The argument "${argument.name}" is required`, {
        field: `args.${argument.name}`,
      });
  return Object.fromEntries(Object.entries(args).filter(([, value]) => value !== ""));
}

export function judgeOutput(
  tool: CheckedTool,
  isError: boolean,
  structured: Record<string, unknown> | null,
): OutputCheck {
  if (!tool.validateOutput || isError) return { status: "none", message: null };
  if (!structured)
    return {
      status: "missing",
      message: "The tool declares an output schema but returned no structured content",
    };
  const verdict = tool.validateOutput(structured);
  return verdict.valid
    ? { status: "valid", message: null }
    : { status: "invalid", message: verdict.errorMessage ?? "does not match the output schema" };
}

export function variablesOf(uriTemplate: string): string[] {
  try {
    return new UriTemplate(uriTemplate).variableNames;
  } catch {
    return [];
  }
}

export function expandTemplate(uriTemplate: string, values: Record<string, string>): string {
  let template: UriTemplate;
  try {
    template = new UriTemplate(uriTemplate);
  } catch {
    throw new AppError("INVALID_INPUT", "The URI template cannot be read", {
      field: "uriTemplate",
    });
  }
  for (const name of template.variableNames)
    if (!values[name]?.trim())
      throw new AppError("INVALID_INPUT", `Give a value for {${name}}`, {
        field: `values.${name}`,
      });
  return template.expand(values);
}

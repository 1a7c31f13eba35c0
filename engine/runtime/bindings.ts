import {
  evaluateExpression,
  isTruthy,
  parseExpression,
  type Expression,
} from "../schema/expression";
import type { JsonSchema } from "../schema/json-schema";
import {
  parseTemplate,
  readPath,
  stringifyValue,
  type BindingPath,
  type ParsedTemplate,
} from "../schema/template";
import { StepError } from "./step-error";

/** Where bindings read from, for one step. `readStep` throws a StepError when the step has no output. */
export type BindingSources = {
  input: unknown;
  value: unknown;
  readStep(stepId: string): unknown;
};

/**
 * Whether `segments` stops at a property the input schema declares but does not require (an
 * optional input left empty): such a binding reads as absent, which renders as empty text, rather
 * than failing the step. Anything the schema does not declare still fails, so a typo is caught.
 */
function isOptionalInputGap(
  schema: JsonSchema | null,
  input: unknown,
  segments: readonly string[],
): boolean {
  let current = input;
  let level: JsonSchema | undefined = schema ?? undefined;
  for (const key of segments) {
    if (!level?.properties || !Object.hasOwn(level.properties, key)) return false;
    const value =
      typeof current === "object" && current !== null && Object.hasOwn(current, key)
        ? (current as Record<string, unknown>)[key]
        : undefined;
    if (value === undefined) return !(level.required ?? []).includes(key);
    current = value;
    level = level.properties[key];
  }
  return false;
}

function describeRoot(path: BindingPath): string {
  if (path.root === "steps") return `the output of step "${path.step}"`;
  return path.root === "input" ? "the run input" : "this step's incoming value";
}

/**
 * Renders templates and evaluates rules for one run, caching parses by text (a plan repeats the
 * same few templates across retries, workers and iterations). Given the run's input schema, an
 * optional input left out renders as empty text (or as absent where it is the whole value).
 */
export class BindingRenderer {
  private readonly templates = new Map<string, ParsedTemplate>();
  private readonly expressions = new Map<string, Expression>();

  constructor(private readonly inputSchema: JsonSchema | null = null) {}

  private parse(text: string): ParsedTemplate {
    let parsed = this.templates.get(text);
    if (!parsed) {
      const result = parseTemplate(text);
      if (!result.ok) throw new StepError("BAD_TEMPLATE", result.error, false);
      parsed = result.value;
      this.templates.set(text, parsed);
    }
    return parsed;
  }

  private read(path: BindingPath, raw: string, sources: BindingSources): unknown {
    let base: unknown;
    if (path.root !== "steps") base = path.root === "input" ? sources.input : sources.value;
    else {
      try {
        base = sources.readStep(path.step);
      } catch (error) {
        throw new StepError(
          "BINDING_MISSING",
          `{{${raw}}} has no value: ${(error as Error).message}`,
          false,
        );
      }
    }
    const found = readPath(base, path.segments);
    if (found.found) return found.value;
    if (path.root === "input" && isOptionalInputGap(this.inputSchema, base, path.segments))
      return undefined;
    throw new StepError(
      "BINDING_MISSING",
      `{{${raw}}} has no value: "${found.missing}" is missing from ${describeRoot(path)}`,
      false,
    );
  }

  /** Renders a string template; a string that is exactly one binding yields the raw value. */
  renderString(text: string, sources: BindingSources): unknown {
    if (!text.includes("{{")) return text;
    const { parts, isSingleBinding } = this.parse(text);
    if (isSingleBinding) {
      const only = parts[0] as Exclude<ParsedTemplate["parts"][number], string>;
      return this.read(only.path, only.raw, sources);
    }
    let out = "";
    for (const part of parts)
      out +=
        typeof part === "string" ? part : stringifyValue(this.read(part.path, part.raw, sources));
    return out;
  }

  /**
   * Renders every string inside a JSON-like template.
   * @example renderer.render({ q: "{{input.topic}}" }, sources) // → { q: "solar power" }
   */
  render(template: unknown, sources: BindingSources): unknown {
    if (typeof template === "string") return this.renderString(template, sources);
    if (Array.isArray(template)) return template.map((item) => this.render(item, sources));
    if (typeof template === "object" && template !== null) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(template))
        out[key] = this.render((template as Record<string, unknown>)[key], sources);
      return out;
    }
    return template;
  }

  /** Renders to text; a null template falls back to the incoming value as text. */
  renderText(template: string | null, sources: BindingSources): string {
    return stringifyValue(template === null ? sources.value : this.renderString(template, sources));
  }

  /** Evaluates a rule; anything absent reads as null rather than failing the step. */
  test(text: string, sources: BindingSources): boolean {
    let expression = this.expressions.get(text);
    if (!expression) {
      const parsed = parseExpression(text);
      if (!parsed.ok)
        throw new StepError(
          "BAD_EXPRESSION",
          `The rule "${text}" does not parse: ${parsed.error}`,
          false,
        );
      expression = parsed.value;
      this.expressions.set(text, expression);
    }
    return isTruthy(
      evaluateExpression(expression, (path) => {
        let base: unknown;
        try {
          base =
            path.root === "steps"
              ? sources.readStep(path.step)
              : path.root === "input"
                ? sources.input
                : sources.value;
        } catch {
          return null;
        }
        const found = readPath(base, path.segments);
        return found.found ? found.value : null;
      }),
    );
  }
}

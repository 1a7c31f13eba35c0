import { AppError } from "@/engine/errors";

/**
 * The limits every input meets before any parser, service or database sees it, and the one walk
 * that checks them. Bad input answers a clear 400 or 413 here instead of a 500 further in: a stack
 * overflow in a recursive parser (deep nesting), a database refusing text (NUL, lone surrogates),
 * a worker chewing on a 10 MB run input.
 */

const KiB = 1024;
const MiB = 1024 * KiB;

export const INPUT_LIMITS = {
  /** Arrays and objects inside each other; far beyond any workflow document or run input. */
  maxDepth: 64,
  /**
   * The body of a /api/trpc request and any procedure's input. Larger than MAX_REQUEST_BYTES (the
   * REST API and webhooks, 1 MiB) because a workflow draft may be up to 5 MB (workflow.saveDraft).
   */
  trpcBodyBytes: 6 * MiB,
  /** A run's input, serialised, whichever entry point starts it. */
  runInputBytes: 256 * KiB,
  /** The arguments of one MCP tool call (mcp.runTool). */
  toolArgsBytes: 256 * KiB,
} as const;

export interface InputProblem {
  /** 413 when the value is too large, 400 for anything else. */
  status: 400 | 413;
  /** Where, as `input.document.nodes[2].config`. */
  path: string;
  message: string;
}

export function formatBytes(bytes: number): string {
  return bytes >= MiB && bytes % MiB === 0
    ? `${bytes / MiB} MiB`
    : bytes >= KiB && bytes % KiB === 0
      ? `${bytes / KiB} KiB`
      : `${bytes} bytes`;
}

// A high surrogate not followed by a low one, or a low one without a high one before it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why this text cannot be stored (PostgreSQL refuses NUL in text and jsonb, and lone surrogates in jsonb), or null. */
export function textProblem(text: string): string | null {
  if (text.includes("\u0000")) return "contains a NUL character (\\u0000), which text may not hold";
  if (LONE_SURROGATE.test(text))
    return "contains an unpaired surrogate (text that is not valid Unicode)";
  return null;
}

interface Visit {
  value: unknown;
  /** How many arrays and objects enclose this value. */
  depth: number;
  key: string | number | null;
  parent: Visit | null;
}

function pathOf(visit: Visit | null, label: string): string {
  const parts: string[] = [];
  for (let v = visit; v && v.key !== null; v = v.parent) {
    const key = v.key;
    parts.push(
      typeof key === "number"
        ? `[${key}]`
        : /^[A-Za-z_$][\w$]*$/.test(key)
          ? `.${key}`
          : `[${JSON.stringify(key.slice(0, 40))}]`,
    );
  }
  return label + parts.reverse().join("");
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * The first reason `value` may not be taken as input, or null. It must be JSON (plain objects,
 * arrays, strings, finite numbers, booleans, null) or a valid Date, nested at most `maxDepth`
 * deep, with text a database can store, and at most about `maxBytes` as JSON. One iterative walk:
 * no recursion, so 100,000 levels of nesting are as safe to check as one.
 */
export function findInputProblem(
  value: unknown,
  options: { maxDepth?: number; maxBytes?: number; label?: string } = {},
): InputProblem | null {
  const maxDepth = options.maxDepth ?? INPUT_LIMITS.maxDepth;
  const maxBytes = options.maxBytes ?? Infinity;
  const label = options.label ?? "input";
  const problem = (status: 400 | 413, visit: Visit | null, message: string): InputProblem => ({
    status,
    path: pathOf(visit, label),
    message,
  });
  const stack: Visit[] = [{ value, depth: 0, key: null, parent: null }];
  let bytes = 0;
  while (stack.length) {
    const visit = stack.pop()!;
    const current = visit.value;
    switch (typeof current) {
      case "string": {
        bytes += current.length + 2;
        if (bytes > maxBytes) break; // reported below, without scanning megabytes of text first
        const why = textProblem(current);
        if (why) return problem(400, visit, why);
        break;
      }
      case "number":
        if (!Number.isFinite(current))
          return problem(400, visit, "is a number that is not finite (NaN or Infinity)");
        bytes += 8;
        break;
      case "boolean":
      case "undefined":
        bytes += 5;
        break;
      case "object": {
        if (current === null) {
          bytes += 4;
          break;
        }
        if (current instanceof Date) {
          if (Number.isNaN(current.getTime())) return problem(400, visit, "is not a valid date");
          bytes += 26;
          break;
        }
        const isArray = Array.isArray(current);
        if (!isArray && !isPlainObject(current)) {
          return problem(
            400,
            visit,
            `is a ${Object.prototype.toString.call(current).slice(8, -1)}, which is not a JSON value`,
          );
        }
        if (visit.depth + 1 > maxDepth)
          return problem(400, visit, `is nested deeper than ${maxDepth} levels`);
        bytes += 2;
        if (isArray) {
          for (let i = current.length - 1; i >= 0; i--)
            stack.push({ value: current[i], depth: visit.depth + 1, key: i, parent: visit });
          bytes += current.length;
        } else {
          for (const key of Object.keys(current)) {
            const child: Visit = {
              value: (current as Record<string, unknown>)[key],
              depth: visit.depth + 1,
              key,
              parent: visit,
            };
            const why = textProblem(key);
            if (why) return problem(400, child, `has a key that ${why}`);
            bytes += key.length + 4;
            stack.push(child);
          }
        }
        break;
      }
      default:
        // bigint, symbol, function: nothing a JSON client sends (superjson's meta can make a BigInt).
        return problem(400, visit, `is a ${typeof current}, which is not a JSON value`);
    }
    if (bytes > maxBytes) return problem(413, null, `is larger than ${formatBytes(maxBytes)}`);
  }
  return null;
}

/** The problem as one sentence: `input.name: contains a NUL character …`. */
export function describeInputProblem(problem: InputProblem): string {
  return `${problem.path}: ${problem.message}`;
}

/**
 * For services that take JSON from any entry point (a run's input, a tool's arguments): throws
 * INVALID_INPUT (400) with the problem, in the `problems` shape the REST API turns into field errors.
 */
export function assertJsonInput(
  value: unknown,
  options: { maxBytes: number; label: string; what: string },
): void {
  const problem = findInputProblem(value, { maxBytes: options.maxBytes, label: options.label });
  if (!problem) return;
  const sentence = describeInputProblem(problem);
  throw new AppError("INVALID_INPUT", `The ${options.what} is not accepted: ${sentence}`, {
    problems: [sentence],
  });
}

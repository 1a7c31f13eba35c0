import { connect, makeNode, makeWorkflow } from "./build-workflow";

const reviewer = (focus: string) =>
  `Review this pull request for ${focus} only. List concrete findings with file and line, most severe first.\n\n` +
  "Title: {{input.title}}\n\n{{input.diff}}";

/** Parallel + join: three focused reviews at once, merged by an LLM summary. */
export const codeReview = makeWorkflow({
  name: "Review a pull request from three angles",
  description:
    "Security, performance and readability reviews run in parallel and merge into one report.",
  layout: true,
  settings: { concurrency: 3 },
  nodes: [
    makeNode("input", "pull-request", {
      schema: {
        type: "object",
        properties: { title: { type: "string" }, diff: { type: "string", minLength: 1 } },
        required: ["title", "diff"],
      },
    }),
    makeNode("parallel", "fan-out"),
    makeNode("llm", "security", {
      prompt: reviewer("security problems (injection, secrets, authz)"),
    }),
    makeNode("llm", "performance", {
      prompt: reviewer("performance problems (N+1 queries, hot loops, memory)"),
    }),
    makeNode("llm", "readability", {
      prompt: reviewer("readability (names, structure, missing tests)"),
    }),
    makeNode("join", "combine", {
      aggregator: "llm-summary",
      prompt:
        "Merge these three reviews into one list of findings, most severe first, without duplicates.",
    }),
    makeNode("output", "review", { name: "review" }),
  ],
  edges: [
    connect("pull-request", "fan-out"),
    connect("fan-out", "security"),
    connect("fan-out", "performance"),
    connect("fan-out", "readability"),
    connect("security", "combine"),
    connect("performance", "combine"),
    connect("readability", "combine"),
    connect("combine", "review"),
  ],
});

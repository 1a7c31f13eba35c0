import { chain, makeNode, makeWorkflow } from "./build-workflow";

/** Chain: outline → research with web tools → write → output. */
export const researchBrief = makeWorkflow({
  name: "Research a topic and write a brief",
  description:
    "Outlines the questions worth answering, researches them on the web, and writes a one-page brief.",
  layout: true,
  nodes: [
    makeNode("input", "request", {
      schema: {
        type: "object",
        properties: {
          topic: { type: "string", minLength: 3, description: "What the brief is about" },
          audience: { type: "string", description: "Who will read it" },
        },
        required: ["topic", "audience"],
      },
    }),
    makeNode("llm", "outline", {
      system: "You plan research. Ask only questions that change what a reader would decide.",
      prompt:
        "List the 3–5 questions a brief on {{input.topic}} for {{input.audience}} must answer.",
      outputSchema: {
        type: "object",
        properties: {
          questions: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 5 },
        },
        required: ["questions"],
      },
    }),
    makeNode("agent", "research", {
      instructions:
        "You are a careful researcher. Answer each question with facts and cite a source URL for each.",
      prompt: "Topic: {{input.topic}}\nQuestions:\n{{steps.outline.output.questions}}",
      mcpServers: ["web-search"],
      allowedTools: ["search", "fetch_page"],
      maxSteps: 8,
    }),
    makeNode("llm", "write", {
      system:
        "You write crisp one-page briefs: a summary line, key findings, open questions, sources.",
      prompt:
        "Write a brief on {{input.topic}} for {{input.audience}} from these research notes:\n\n{{value}}",
    }),
    makeNode("output", "brief", { name: "brief" }),
  ],
  edges: chain("request", "outline", "research", "write", "brief"),
});

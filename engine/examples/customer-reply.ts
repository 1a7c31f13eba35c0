import { chain, makeNode, makeWorkflow } from "./build-workflow";

/** Evaluator-optimizer: draft, rate, redraft with the feedback, until the rating passes or three tries. */
export const customerReply = makeWorkflow({
  name: "Draft a customer reply until it passes review",
  description:
    "Writes a reply to a complaint, has it rated for empathy and accuracy, and refines it until it passes.",
  layout: true,
  nodes: [
    makeNode("input", "complaint", {
      schema: {
        type: "object",
        properties: {
          complaint: { type: "string" },
          tone: { type: "string", enum: ["formal", "warm"] },
        },
        required: ["complaint"],
      },
    }),
    makeNode("evaluator-optimizer", "draft-reply", {
      task: "Reply to this complaint.\nTone asked for: {{input.tone}}\n(When no tone is asked for, be warm and professional.)\n\n{{input.complaint}}",
      generator: {
        instructions:
          "You write replies that acknowledge the problem, explain, and commit to a next step.",
      },
      evaluator: {
        instructions:
          "Rate the reply from 0 to 10 for empathy, accuracy and a concrete next step. Explain what would raise the score.",
      },
      threshold: 8,
      maxIterations: 3,
    }),
    makeNode("output", "reply", { name: "reply", value: "{{value.output}}" }),
  ],
  edges: chain("complaint", "draft-reply", "reply"),
});

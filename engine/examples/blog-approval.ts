import { chain, connect, makeNode, makeWorkflow } from "./build-workflow";

/** Human approval: an editor approves the draft before it is published, or sends it back with a note. */
export const blogApproval = makeWorkflow({
  name: "Publish a blog post after editor approval",
  description: "Drafts a post, waits for an editor to approve it, then publishes it to the CMS.",
  layout: true,
  nodes: [
    makeNode("input", "brief", {
      schema: {
        type: "object",
        properties: {
          topic: { type: "string" },
          keywords: { type: "array", items: { type: "string" } },
        },
        required: ["topic"],
      },
    }),
    makeNode("llm", "draft", {
      system: "You write clear, friendly blog posts of about 600 words with a title line first.",
      prompt:
        "Write a post about {{input.topic}}. Work in these keywords naturally: {{input.keywords}}",
    }),
    makeNode("human-approval", "editor-review", {
      message: "Publish this post about {{input.topic}}?\n\n{{value}}",
      approvers: ["editor"],
    }),
    makeNode("tool", "publish", {
      server: "cms",
      tool: "create_post",
      args: { title: "{{input.topic}}", body: "{{steps.draft.output}}", status: "published" },
    }),
    makeNode("output", "published", { name: "published" }),
    makeNode("transform", "revision-note", {
      template: {
        status: "sent back",
        topic: "{{input.topic}}",
        editorComment: "{{value.comment}}",
      },
    }),
    makeNode("output", "sent-back", { name: "sentBack" }),
  ],
  edges: [
    ...chain("brief", "draft", "editor-review"),
    connect("editor-review", "publish", "approved"),
    connect("publish", "published"),
    connect("editor-review", "revision-note", "rejected"),
    connect("revision-note", "sent-back"),
  ],
});

import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { EXAMPLE_WORKFLOWS } from "../examples";
import { exportWorkflowFile, parseWorkflowFile } from "./workflow-file";

function errorOf(work: () => unknown): AppError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("INVALID_INPUT");
    return error as AppError;
  }
  return expect.unreachable("expected an AppError");
}

describe("exportWorkflowFile", () => {
  it("writes the envelope and only the document's named fields: no view state, nothing unknown", () => {
    const canvasState = {
      version: 2,
      viewport: { x: 10, y: 20, zoom: 1.5 },
      selection: ["ask"],
      nodes: [
        {
          id: "ask",
          kind: "llm",
          selected: true,
          dragging: true,
          measured: { width: 200 },
          position: { x: 1, y: 2 },
          config: { prompt: "Hi", apiKey: "sk-x" },
        },
      ],
      edges: [{ id: "e", source: "ask", target: "ask", selected: true, animated: true }],
    };
    const file = exportWorkflowFile({
      name: "Ask",
      description: "One question",
      document: canvasState as never,
    });
    expect(file).toEqual({
      format: "maestro.workflow",
      formatVersion: 1,
      name: "Ask",
      description: "One question",
      document: {
        version: 2,
        nodes: [{ id: "ask", kind: "llm", position: { x: 1, y: 2 }, config: { prompt: "Hi" } }],
        edges: [{ id: "e", source: "ask", sourcePort: "out", target: "ask", targetPort: "in" }],
      },
    });
  });

  it("round-trips every example through JSON unchanged", () => {
    for (const [slug, document] of Object.entries(EXAMPLE_WORKFLOWS)) {
      const file = exportWorkflowFile({
        name: slug,
        description: document.description ?? "",
        document,
      });
      const read = parseWorkflowFile(JSON.parse(JSON.stringify(file)));
      expect(read, slug).toEqual(file);
      expect(read.document, slug).toEqual(document);
    }
  });
});

describe("parseWorkflowFile", () => {
  const document = EXAMPLE_WORKFLOWS["research-brief"];

  it("accepts a bare workflow document, named after the document", () => {
    const read = parseWorkflowFile(JSON.parse(JSON.stringify(document)));
    expect(read).toMatchObject({
      format: "maestro.workflow",
      formatVersion: 1,
      name: document.name,
      description: document.description,
    });
    expect(read.document).toEqual(document);
    expect(parseWorkflowFile({ version: 2, nodes: [] }).name).toBe("Imported workflow");
  });

  it("migrates an old document version inside the file", () => {
    const v1 = {
      version: 1,
      name: "Old",
      nodes: [{ id: "p", type: "prompt", data: { template: "Hi" } }],
      connections: [],
    };
    for (const json of [
      v1,
      { format: "maestro.workflow", formatVersion: 1, name: "Wrapped", document: v1 },
    ]) {
      const read = parseWorkflowFile(json);
      expect(read.document).toEqual({
        version: 2,
        name: "Old",
        nodes: [{ id: "p", kind: "llm", config: { prompt: "Hi" } }],
        edges: [],
      });
    }
  });

  it("refuses another format, naming it", () => {
    const error = errorOf(() =>
      parseWorkflowFile({ format: "n8n.workflow", formatVersion: 1, document }),
    );
    expect(error.message).toBe(
      'This is not a workflow file maestro can read: its format is "n8n.workflow", not "maestro.workflow".',
    );
  });

  it("refuses a format version from the future, saying so", () => {
    const error = errorOf(() =>
      parseWorkflowFile({ format: "maestro.workflow", formatVersion: 2, name: "x", document }),
    );
    expect(error.message).toMatch(
      /format version 2, made by a newer maestro; this one reads up to version 1/,
    );
  });

  it("refuses what is not a workflow at all", () => {
    expect(errorOf(() => parseWorkflowFile([1, 2])).message).toMatch(/expected a JSON object/);
    expect(errorOf(() => parseWorkflowFile("hello")).message).toMatch(/expected a JSON object/);
    expect(
      errorOf(() => parseWorkflowFile({ name: "my-package", dependencies: {} })).message,
    ).toMatch(/"format": "maestro.workflow" or a workflow document with "nodes"/);
    expect(
      errorOf(() => parseWorkflowFile({ format: "maestro.workflow", formatVersion: 1, name: "x" }))
        .message,
    ).toMatch(/it has no document/);
    expect(
      errorOf(() => parseWorkflowFile({ format: "maestro.workflow", formatVersion: "1", document }))
        .message,
    ).toMatch(/workflow file is invalid at formatVersion/);
  });

  it("names where an invalid document inside the file is wrong", () => {
    const error = errorOf(() =>
      parseWorkflowFile({
        format: "maestro.workflow",
        formatVersion: 1,
        name: "x",
        document: { version: 2, nodes: [{ id: "a", kind: "teleport" }] },
      }),
    );
    expect(error.message).toMatch(/workflow document is invalid at nodes\.0\.kind/);
    expect(errorOf(() => parseWorkflowFile({ version: 9, nodes: [] })).message).toMatch(
      /Unknown workflow document version 9/,
    );
  });
});

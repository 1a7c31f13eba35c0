import { describe, expect, it } from "vitest";
import {
  checkAddServerForm,
  EMPTY_FORM,
  formOf,
  type AddServerForm,
  type AddServerInput,
} from "./add-server-form";

const INPUTS: AddServerInput[] = [
  {
    kind: "npm",
    name: "everything",
    package: "@modelcontextprotocol/server-everything",
    version: "2026.8.31",
    args: ["stdio"],
    env: [
      { name: "LOG_LEVEL", value: "debug", isSecret: false },
      { name: "API_KEY", value: "sk-1", isSecret: true },
    ],
  },
  {
    kind: "npm",
    name: "memory",
    package: "@modelcontextprotocol/server-memory",
    args: [],
    env: [],
  },
  {
    kind: "command",
    name: "time",
    command: "uvx",
    args: ["mcp-server-time", "--local-timezone", "UTC"],
    env: [],
  },
  {
    kind: "url",
    name: "docs",
    transport: "sse",
    url: "https://mcp.example.com/sse",
    headers: [{ name: "Authorization", value: "Bearer x", isSecret: true }],
  },
];

describe("the Add server form", () => {
  it.each(INPUTS.map((input) => [`${input.kind} ${input.name}`, input] as const))(
    "%s: the form that makes an input makes it again",
    (_, input) => {
      expect(checkAddServerForm(formOf(input))).toEqual({ input, errors: null });
    },
  );

  it("puts each problem on its field", () => {
    const form: AddServerForm = {
      ...EMPTY_FORM,
      kind: "npm",
      name: "Weather Server",
      package: "",
      env: [
        { name: "1BAD", value: "x", isSecret: false },
        { name: "", value: "orphan", isSecret: false },
      ],
    };
    expect(checkAddServerForm(form).errors).toEqual({
      name: expect.stringContaining("Lower-case letters"),
      package: "Give the package's name",
      "env.0.name": expect.stringContaining("Letters, digits and _"),
      "env.1.name": "Name the variable",
    });
    expect(
      checkAddServerForm({ ...EMPTY_FORM, kind: "url", name: "x", url: "ftp://x" }).errors,
    ).toEqual({ url: expect.stringContaining("http(s) URL") });
    expect(checkAddServerForm({ ...EMPTY_FORM, kind: "command", name: "x" }).errors).toEqual({
      command: expect.stringContaining("Give the command"),
    });
  });

  it("drops empty rows and blank argument lines, trims names, and refuses a name given twice", () => {
    const checked = checkAddServerForm({
      ...EMPTY_FORM,
      kind: "command",
      name: "files",
      command: "npx",
      args: "-y\n\n  @modelcontextprotocol/server-filesystem  \n/tmp\n",
      env: [
        { name: "", value: "", isSecret: false },
        { name: " HOME_DIR ", value: "/tmp", isSecret: false },
      ],
    });
    expect(checked.input).toEqual({
      kind: "command",
      name: "files",
      command: "npx",
      args: ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"],
      env: [{ name: "HOME_DIR", value: "/tmp", isSecret: false }],
    });
    const twice = checkAddServerForm({
      ...EMPTY_FORM,
      kind: "url",
      name: "docs",
      url: "https://x.example/mcp",
      headers: [
        { name: "X-Key", value: "a", isSecret: true },
        { name: "x-key", value: "b", isSecret: true },
      ],
    });
    expect(twice.errors).toEqual({ "headers.1.name": "x-key is given twice" });
  });
});

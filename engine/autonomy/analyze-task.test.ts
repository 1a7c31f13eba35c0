import { describe, expect, it } from "vitest";
import { analyzeTask } from "./analyze-task";
import { trainLinearModel } from "./linear-model";
import { CAPABILITIES, PATTERNS, STRUCTURE_THRESHOLDS } from "./vocabulary";

describe("analyzeTask", () => {
  it("reads capabilities in the order the task uses them", () => {
    expect(
      analyzeTask("Read data/events.csv, load it into a new SQLite table and report the row count")
        .capabilities,
    ).toEqual(["files", "sqlite"]);
    expect(
      analyzeTask("Copy the meeting notes from the Drive folder Team into notes/ in the workspace")
        .capabilities,
    ).toEqual(["documents", "files"]);
    expect(
      analyzeTask("Export the users table from Postgres to a CSV file in the backups directory")
        .capabilities,
    ).toEqual(["relational-db", "files"]);
  });

  it("finds entities: URLs, paths, files, database files, repositories and SQL", () => {
    const kinds = (text: string) => analyzeTask(text).entities.map((e) => `${e.kind}:${e.value}`);
    expect(kinds("Save https://lobste.rs into a file called today.md")).toEqual([
      "url:https://lobste.rs",
      "file:today.md",
    ]);
    expect(kinds("Summarize the schema of inventory.db")).toEqual(["database-file:inventory.db"]);
    expect(kinds("Read data/events.csv now")).toEqual(["path:data/events.csv"]);
    expect(kinds("Open an issue in the acme/web repository")).toEqual(["repository:acme/web"]);
    // A code word inside the path itself does not make it a repository.
    expect(kinds("Summarize the notes in meetings/branching-strategy")).toEqual([
      "path:meetings/branching-strategy",
    ]);
    // Code words count in any form ("branches", "forked"); without one, "in acme/web" is a folder.
    expect(kinds("Delete merged branches older than 60 days in acme/web")).toEqual([
      "repository:acme/web",
    ]);
    expect(kinds("Tidy the old drafts in notes/archive")).toEqual(["path:notes/archive"]);
    expect(kinds("Run SELECT name FROM users in Postgres")[0]).toMatch(/^sql:select name from/);
    // Product names, versions and dates are not files.
    expect(kinds("Look up the current Node.js LTS version online")).toEqual([]);
    expect(kinds("Create a release for v2.3.0 dated 10/12/2024")).toEqual([]);
  });

  it("needs no server for pure text tasks", () => {
    for (const task of [
      "Write a haiku about autumn",
      "Produce three versions of this abstract",
      "Explain recursion to a child",
    ]) {
      expect(analyzeTask(task).capabilities, task).toEqual([]);
    }
  });

  it("tells a page to fetch from a page to drive in a browser", () => {
    expect(analyzeTask("Get the weather pages of Paris and Rome").capabilities).toEqual([
      "web-fetch",
    ]);
    expect(analyzeTask("Take a screenshot of https://example.com").capabilities).toEqual([
      "browser-automation",
    ]);
  });

  it("reads a database word as a topic next to web research", () => {
    expect(analyzeTask("Search the web for the top five vector databases").capabilities).toEqual([
      "web-search",
    ]);
    expect(
      analyzeTask("How many rows does the orders table of the database hold?").capabilities,
    ).toEqual(["relational-db"]);
  });

  it("reads structure from the pattern model: lists, quality loops, routing, hand-offs, steps and plans", () => {
    const structure = (text: string) => analyzeTask(text).structure;
    expect(structure("Get the pages of Paris, Tokyo and New York at the same time").splits).toBe(
      true,
    );
    expect(structure("Which customers placed more than five orders?").splits).toBe(false);
    expect(structure("Polish the essay until the critic rates it excellent").iterates).toBe(true);
    expect(structure("Keep polling until the deploy finishes").iterates).toBe(false);
    expect(structure("Route each incoming ticket to the billing, bugs or sales queue").routes).toBe(
      true,
    );
    expect(
      structure("A concierge that transfers callers to a flights agent or a hotels agent").handsOff,
    ).toBe(true);
    expect(structure("Fetch the page, then save it to page.md").sequence).toBe(true);
    expect(structure("Plan and carry out a migration of our CI").plans).toBe(true);
  });

  it("counts the parts of a list and of a number", () => {
    expect(analyzeTask("Get the weather of Paris, Tokyo and New York").itemCount).toBe(3);
    expect(analyzeTask("Write four different slogans").itemCount).toBe(4);
  });

  it("keeps unknown words as candidate product names", () => {
    expect(analyzeTask("Post the summary to our Slack channel").keywords).toContain("slack");
  });

  it("is pure: the same text gives the same features", () => {
    const text = "Read data/events.csv, load it into a new SQLite table and report the row count";
    expect(analyzeTask(text)).toEqual(analyzeTask(text));
  });

  it("leaves the words inside URLs, paths and file names to the entity scan", () => {
    // "search" in a host name is not a web search; "db" in a folder name is not a database.
    expect(
      analyzeTask("Hit https://search.acme.dev/healthz and https://auth.acme.dev/healthz at once")
        .capabilities,
    ).toEqual(["web-fetch"]);
    expect(analyzeTask("Count the files in db/migrations").capabilities).toEqual(["files"]);
  });

  it("finds files by a bare extension and folders after a place word", () => {
    expect(
      analyzeTask("Rename every .jpeg under assets/images so it ends in .jpg").capabilities,
    ).toEqual(["files"]);
    expect(analyzeTask("Adjust styles/main.css until it looks right").capabilities).toEqual([
      "files",
    ]);
  });

  it("does not take a state of the items for sorting or sending them", () => {
    expect(
      analyzeTask("Which open issues in the web repo are labelled bug and have nobody assigned?")
        .structure.routes,
    ).toBe(false);
    expect(
      analyzeTask("Label each incoming ticket as billing or bugs and route it to the right queue")
        .structure.routes,
    ).toBe(true);
  });

  it("takes what a task needs and its shape from the models it is given, not from rules", () => {
    // Two tiny models that learned the opposite of the committed ones: the analyzer follows them.
    const examples = [
      { features: ["w:poem"], labels: ["sqlite"] },
      { features: ["w:poem", "w:each"], labels: ["sqlite"] },
      { features: ["w:table"], labels: [] },
      { features: ["w:haiku"], labels: [] },
    ];
    const capabilities = trainLinearModel(examples, {
      kind: "one-vs-rest",
      labels: CAPABILITIES,
      epochs: 200,
    });
    const patterns = trainLinearModel(
      [
        { features: ["w:poem"], labels: ["swarm"] },
        { features: ["w:table"], labels: ["single"] },
      ],
      { kind: "softmax", labels: PATTERNS, epochs: 200 },
    );
    const features = analyzeTask("Write a poem", { capabilities, patterns });
    expect(features.capabilities).toEqual(["sqlite"]);
    expect(features.structure.handsOff).toBe(true);
    expect(analyzeTask("Write a poem").capabilities).toEqual([]);
  });

  it("counts a structural signal exactly when its pattern's probability reaches the threshold", () => {
    for (const task of [
      "Fetch the page, then save it to page.md",
      "Route each incoming ticket to the billing, bugs or sales queue",
      "Write a haiku about autumn",
    ]) {
      const { structure, structureScores } = analyzeTask(task);
      for (const kind of Object.keys(structure) as (keyof typeof structure)[])
        expect(structure[kind], `${task}: ${kind}`).toBe(
          structureScores[kind] >= STRUCTURE_THRESHOLDS[kind],
        );
    }
  });
});

import type { Capability, EntityKind } from "./vocabulary";

/**
 * Plain data for server discovery's queries: what words a catalog entry uses for what a task asks.
 * Nothing here names a catalog entry; every entry is found by what its own name, description and
 * tools say. Add a synonym when users and catalogs use different words for one thing.
 */

/** The words catalogs describe a capability with (the analyzer names the capabilities a task needs). */
export const CAPABILITY_TERMS: Record<Capability, string> = {
  "web-fetch": "fetch web page url http",
  "web-search": "web search",
  files: "file directory folder",
  "code-hosting": "repository git code issue pull request",
  sqlite: "sqlite database sql table",
  "relational-db": "postgresql mysql sql database table",
  "browser-automation": "browser headless page click screenshot",
  documents: "drive document google",
  memory: "memory knowledge graph",
  reasoning: "sequential thinking reasoning",
  "mcp-testing": "mcp test client",
};

/** What an entity in the task's text says about the tools it needs. */
export const ENTITY_TERMS: Record<EntityKind, string> = {
  url: "fetch web page url",
  file: "file",
  path: "file directory",
  "database-file": "sqlite database file",
  sql: "sql query database table",
  repository: "repository git code",
};

/** A user's word → the words catalogs use for it (stemmed on use). */
export const SYNONYMS: Readonly<Record<string, string>> = {
  website: "web page",
  site: "web page",
  webpage: "web page",
  homepage: "web page",
  download: "fetch",
  scrape: "fetch web page",
  crawl: "fetch web page",
  google: "search",
  online: "web",
  internet: "web",
  folder: "directory file",
  disk: "file",
  repo: "repository",
  pr: "pull request",
  prs: "pull request",
  commit: "repository",
  postgres: "postgresql",
  pg: "postgresql",
  warehouse: "database",
  db: "database",
  rows: "table",
  column: "table",
  spreadsheet: "sheet document",
  doc: "document",
  docs: "document",
  remember: "memory",
  recall: "memory",
  headless: "browser",
  chrome: "browser chromium",
  render: "browser",
  think: "thinking",
  reason: "reasoning",
};

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

/**
 * A user's word → the words catalogs use for it (stemmed on use). Discovery adds them to a task's
 * query, and the learned models read them as if the task had said them too (task-cues.ts), so
 * "pg" and "postgres" teach the models one thing. General synonyms only: never a phrase from one
 * task.
 */
export const SYNONYMS: Readonly<Record<string, string>> = {
  website: "web page",
  site: "web page",
  webpage: "web page",
  homepage: "web page",
  url: "web page",
  link: "web page",
  download: "fetch",
  scrape: "fetch web page",
  crawl: "fetch web page",
  google: "search",
  bing: "web search",
  duckduckgo: "web search",
  brave: "web search",
  online: "web",
  internet: "web",
  folder: "directory file",
  dir: "directory file",
  disk: "file",
  repo: "repository",
  repos: "repository",
  monorepo: "repository",
  gitlab: "repository git",
  bitbucket: "repository git",
  pr: "pull request",
  prs: "pull request",
  commit: "repository",
  postgres: "postgresql",
  pg: "postgresql",
  psql: "postgresql",
  mysql: "sql database",
  mariadb: "sql database",
  sqlite3: "sqlite",
  warehouse: "database",
  db: "database",
  rows: "table",
  column: "table",
  spreadsheet: "sheet document",
  gdrive: "google drive",
  doc: "document",
  docs: "document",
  remember: "memory",
  recall: "memory",
  memorise: "memory",
  memorize: "memory",
  headless: "browser",
  chrome: "browser chromium",
  playwright: "browser",
  selenium: "browser",
  screenshot: "browser",
  render: "browser",
  think: "thinking",
  reason: "reasoning",
};

/**
 * The capability each built-in catalog entry (by short name) stands for: how the labelled corpus's
 * server labels become the capability model's labels (train-task-models.ts).
 */
export const CAPABILITY_OF_SERVER: Readonly<Record<string, Capability>> = {
  fetch: "web-fetch",
  "brave-search": "web-search",
  filesystem: "files",
  github: "code-hosting",
  sqlite: "sqlite",
  postgres: "relational-db",
  puppeteer: "browser-automation",
  "google-drive": "documents",
  memory: "memory",
  "sequential-thinking": "reasoning",
  everything: "mcp-testing",
};

import {
  CATALOG_META_KEY,
  SERVER_JSON_SCHEMA_URL,
  type CatalogMeta,
  type Package,
  type ServerJson,
} from "@/engine/schema/catalog";

/**
 * The servers every tenant can install out of the box, in server.json form. Eight are the classic
 * reference servers; memory, everything and sequential-thinking run fully offline. Those installed
 * in this project run from node_modules; the others through `npx -y identifier@version`.
 */

type Extra = CatalogMeta & { tools: string[] };

function entry(json: ServerJson, extra: Extra): { serverJson: ServerJson; tools: string[] } {
  const { tools, ...meta } = extra;
  return {
    serverJson: { $schema: SERVER_JSON_SCHEMA_URL, ...json, _meta: { [CATALOG_META_KEY]: meta } },
    tools,
  };
}

const npm = (identifier: string, version: string, rest: Partial<Package> = {}): Package => ({
  registryType: "npm",
  identifier,
  version,
  transport: { type: "stdio" },
  ...rest,
});

const repo = (path: string) => ({
  url: `https://github.com/modelcontextprotocol/servers${path}`,
  source: "github",
});

export const BUILTIN_CATALOG = [
  entry(
    {
      name: "io.github.zcaceres/fetch",
      title: "Fetch",
      description: "Fetch web pages as HTML, Markdown, plain text or JSON. Needs internet access.",
      version: "1.1.2",
      repository: { url: "https://github.com/zcaceres/fetch-mcp", source: "github" },
      packages: [npm("mcp-fetch-server", "1.1.2")],
    },
    {
      category: "web",
      needsInternet: true,
      harmlessTool: { name: "fetch_txt", arguments: { url: "https://example.com/" } },
      tools: ["fetch_html", "fetch_markdown", "fetch_txt", "fetch_json"],
    },
  ),
  entry(
    {
      name: "io.github.modelcontextprotocol/server-filesystem",
      title: "Filesystem",
      description:
        "Read, write, search and list files inside the directories you allow, and nowhere else.",
      version: "2026.8.31",
      repository: repo("/tree/main/src/filesystem"),
      packages: [
        npm("@modelcontextprotocol/server-filesystem", "2026.8.31", {
          packageArguments: [
            {
              type: "positional",
              valueHint: "allowed_directory",
              description: "Absolute path of a directory the server may access",
              isRequired: true,
              isRepeated: true,
              format: "filepath",
            },
          ],
        }),
      ],
    },
    {
      category: "files",
      needsInternet: false,
      harmlessTool: { name: "list_allowed_directories", arguments: {} },
      tools: [
        "read_text_file",
        "read_media_file",
        "read_multiple_files",
        "write_file",
        "edit_file",
        "create_directory",
        "list_directory",
        "list_directory_with_sizes",
        "directory_tree",
        "move_file",
        "search_files",
        "get_file_info",
        "list_allowed_directories",
      ],
    },
  ),
  entry(
    {
      name: "io.github.modelcontextprotocol/server-github",
      title: "GitHub",
      description:
        "Repositories, files, issues, pull requests and code search on GitHub. Needs internet access.",
      version: "2025.4.8",
      repository: repo("/tree/main/src/github"),
      packages: [
        npm("@modelcontextprotocol/server-github", "2025.4.8", {
          environmentVariables: [
            {
              name: "GITHUB_PERSONAL_ACCESS_TOKEN",
              description: "A GitHub personal access token",
              isRequired: true,
              isSecret: true,
            },
          ],
        }),
      ],
    },
    {
      category: "developer",
      needsInternet: true,
      harmlessTool: {
        name: "search_repositories",
        arguments: { query: "modelcontextprotocol", perPage: 1 },
      },
      tools: [
        "search_repositories",
        "get_file_contents",
        "create_issue",
        "list_issues",
        "create_pull_request",
        "search_code",
        "list_commits",
      ],
    },
  ),
  entry(
    {
      name: "io.github.jparkerweb/sqlite",
      title: "SQLite",
      description: "Query and change a SQLite database file, and keep notes on what it holds.",
      version: "0.8.0",
      repository: {
        url: "https://github.com/johnnyoshika/mcp-server-sqlite-npx",
        source: "github",
      },
      packages: [
        npm("mcp-server-sqlite-npx", "0.8.0", {
          packageArguments: [
            {
              type: "positional",
              valueHint: "database_path",
              description: "Path of the SQLite database file",
              isRequired: true,
              format: "filepath",
            },
          ],
        }),
      ],
    },
    {
      category: "database",
      needsInternet: false,
      harmlessTool: { name: "list_tables", arguments: {} },
      tools: [
        "read_query",
        "write_query",
        "create_table",
        "list_tables",
        "describe_table",
        "append_insight",
      ],
    },
  ),
  entry(
    {
      name: "io.github.modelcontextprotocol/server-puppeteer",
      title: "Puppeteer",
      description:
        "Drive a headless Chromium: open pages, click, fill forms, take screenshots, run scripts.",
      version: "2025.5.12",
      repository: {
        url: "https://github.com/modelcontextprotocol/servers-archived",
        source: "github",
      },
      packages: [
        npm("@modelcontextprotocol/server-puppeteer", "2025.5.12", {
          environmentVariables: [
            {
              name: "PUPPETEER_LAUNCH_OPTIONS",
              description: 'JSON launch options, e.g. {"executablePath":"/usr/bin/chromium"}',
            },
            {
              name: "ALLOW_DANGEROUS",
              description: "true to allow options such as --no-sandbox",
              choices: ["true", "false"],
            },
          ],
        }),
      ],
    },
    {
      category: "browser",
      needsInternet: false,
      tools: [
        "puppeteer_navigate",
        "puppeteer_screenshot",
        "puppeteer_click",
        "puppeteer_fill",
        "puppeteer_select",
        "puppeteer_hover",
        "puppeteer_evaluate",
      ],
    },
  ),
  entry(
    {
      name: "io.github.modelcontextprotocol/server-postgres",
      title: "PostgreSQL",
      description:
        "Read-only SQL queries against a PostgreSQL database, and its table schemas as resources.",
      version: "0.6.2",
      repository: {
        url: "https://github.com/modelcontextprotocol/servers-archived",
        source: "github",
      },
      packages: [
        npm("@modelcontextprotocol/server-postgres", "0.6.2", {
          packageArguments: [
            {
              type: "positional",
              valueHint: "database_url",
              description: "postgres://user:password@host:5432/database",
              isRequired: true,
              isSecret: true,
              placeholder: "postgres://postgres@127.0.0.1:5432/postgres",
            },
          ],
        }),
      ],
    },
    {
      category: "database",
      needsInternet: false,
      harmlessTool: { name: "query", arguments: { sql: "select 1 as ok" } },
      tools: ["query"],
    },
  ),
  entry(
    {
      name: "io.github.modelcontextprotocol/server-brave-search",
      title: "Brave Search",
      description:
        "Web and local search through the Brave Search API. Needs internet access and an API key.",
      version: "0.6.2",
      repository: {
        url: "https://github.com/modelcontextprotocol/servers-archived",
        source: "github",
      },
      packages: [
        npm("@modelcontextprotocol/server-brave-search", "0.6.2", {
          environmentVariables: [
            {
              name: "BRAVE_API_KEY",
              description: "Your Brave Search API key",
              isRequired: true,
              isSecret: true,
            },
          ],
        }),
      ],
    },
    {
      category: "search",
      needsInternet: true,
      harmlessTool: {
        name: "brave_web_search",
        arguments: { query: "model context protocol", count: 1 },
      },
      tools: ["brave_web_search", "brave_local_search"],
    },
  ),
  entry(
    {
      name: "io.github.modelcontextprotocol/server-gdrive",
      title: "Google Drive",
      description:
        "Search Google Drive and read its files. Needs internet access and Google credentials.",
      version: "2025.1.14",
      repository: {
        url: "https://github.com/modelcontextprotocol/servers-archived",
        source: "github",
      },
      packages: [
        npm("@modelcontextprotocol/server-gdrive", "2025.1.14", {
          environmentVariables: [
            {
              name: "GDRIVE_CREDENTIALS_PATH",
              description: "Path of the saved OAuth credentials file",
              isRequired: true,
              format: "filepath",
            },
            {
              name: "GDRIVE_OAUTH_PATH",
              description: "Path of the Google OAuth client keys file",
              format: "filepath",
            },
          ],
        }),
      ],
    },
    {
      category: "productivity",
      needsInternet: true,
      harmlessTool: { name: "search", arguments: { query: "report" } },
      tools: ["search"],
    },
  ),
  entry(
    {
      name: "io.github.modelcontextprotocol/server-memory",
      title: "Memory",
      description:
        "A knowledge graph the agent keeps between runs: entities, relations and observations.",
      version: "2026.8.31",
      repository: repo("/tree/main/src/memory"),
      packages: [
        npm("@modelcontextprotocol/server-memory", "2026.8.31", {
          environmentVariables: [
            {
              name: "MEMORY_FILE_PATH",
              description: "Where to keep the graph (a .jsonl file)",
              format: "filepath",
            },
          ],
        }),
      ],
    },
    {
      category: "knowledge",
      needsInternet: false,
      harmlessTool: { name: "read_graph", arguments: {} },
      tools: [
        "create_entities",
        "create_relations",
        "add_observations",
        "delete_entities",
        "delete_observations",
        "delete_relations",
        "read_graph",
        "search_nodes",
        "open_nodes",
      ],
    },
  ),
  entry(
    {
      name: "io.github.modelcontextprotocol/server-everything",
      title: "Everything",
      description:
        "The MCP test server: tools, resources, prompts, progress and errors, to try a client.",
      version: "2026.8.31",
      repository: repo("/tree/main/src/everything"),
      packages: [npm("@modelcontextprotocol/server-everything", "2026.8.31")],
    },
    {
      category: "testing",
      needsInternet: false,
      harmlessTool: { name: "echo", arguments: { message: "ping" } },
      tools: [
        "echo",
        "get-sum",
        "get-tiny-image",
        "get-structured-content",
        "trigger-long-running-operation",
        "get-annotated-message",
      ],
    },
  ),
  entry(
    {
      name: "io.github.modelcontextprotocol/server-sequential-thinking",
      title: "Sequential Thinking",
      description:
        "A scratchpad for step-by-step reasoning: thoughts that can be revised and branched.",
      version: "2026.8.31",
      repository: repo("/tree/main/src/sequentialthinking"),
      packages: [npm("@modelcontextprotocol/server-sequential-thinking", "2026.8.31")],
    },
    { category: "reasoning", needsInternet: false, tools: ["sequentialthinking"] },
  ),
];

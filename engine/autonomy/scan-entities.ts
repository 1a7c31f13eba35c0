import { stemOf } from "./text-index";
import type { TaskEntity } from "./vocabulary";

/**
 * Entities in a task's (lower-cased) text: URLs, file names, paths, database files, SQL and
 * repositories. These are patterns of the text, not of meaning: what an entity implies for the
 * servers and the pattern is learned (its kind is a feature of the models) and retrieved (its kind
 * adds words to the discovery query). One global regex, run only when the text has a "/" or an
 * inner "." (every entity but SQL has one), so most plain tasks skip it.
 */

const ENTITY_RE =
  /(https?:\/\/[^\s"'<>)\],]+)|\b((?:[a-z0-9-]+\.)+(?:com|org|net|io|dev|ai|app|co|edu|gov|info|eu|uk|de|fr)(?:\/[^\s"'<>)\],]*)?)(?![\w.])|((?:~|\.{1,2})?\/?(?:[\w.-]+\/)+[\w.-]*)|\b([\w-]+\.([a-z0-9]{1,8}))\b|(?<![\w.])\.([a-z][a-z0-9]{0,7})\b/g;
const SQL_RE =
  /\bselect\b[\s\S]+?\bfrom\b|\binsert into\b|\bdelete from\b|\bcreate table\b|\bupdate \w+ set\b/;

const DATABASE_EXTENSIONS = new Set(["db", "sqlite", "sqlite3", "duckdb"]);
const FILE_EXTENSIONS = new Set([
  "csv",
  "tsv",
  "json",
  "jsonl",
  "ndjson",
  "yaml",
  "yml",
  "md",
  "markdown",
  "txt",
  "log",
  "xml",
  "html",
  "htm",
  "pdf",
  "doc",
  "docx",
  "xls",
  "xlsx",
  "ppt",
  "pptx",
  "png",
  "jpg",
  "jpeg",
  "gif",
  "svg",
  "webp",
  "zip",
  "tar",
  "gz",
  "ts",
  "tsx",
  "js",
  "mjs",
  "cjs",
  "py",
  "go",
  "rs",
  "java",
  "rb",
  "php",
  "sh",
  "toml",
  "ini",
  "env",
  "cfg",
  "conf",
  "sql",
  "ipynb",
  "parquet",
  "css",
  "scss",
  "sass",
  "less",
  "jsx",
  "vue",
  "svelte",
  "kt",
  "swift",
  "c",
  "h",
  "cpp",
  "cs",
  "lua",
  "rtf",
  "odt",
  "epub",
  "mp3",
  "mp4",
  "wav",
  "mov",
  "bak",
  "tmp",
  "lock",
  "srt",
  "vtt",
  "eml",
  "ics",
  "dockerfile",
]);
/** "in assets/images", "under src/app": after these a two-part path is a folder, not owner/name. */
const PLACE_BEFORE_RE = /\b(?:in|under|into|inside|within|from|to)\s+(?:the\s+)?$/;
/** "Node.js", "Next.js": product names, not files. */
const NOT_FILES = new Set([
  "node",
  "next",
  "vue",
  "nuxt",
  "react",
  "three",
  "express",
  "ember",
  "backbone",
  "alpine",
  "chart",
  "d3",
  "socket",
]);

function extensionOf(value: string): string {
  const dot = value.lastIndexOf(".");
  return dot > 0 && dot > value.lastIndexOf("/") ? value.slice(dot + 1) : "";
}

/** Hosts whose URLs name a repository (owner/name). */
const CODE_HOSTS = new Set(["github.com", "gitlab.com", "bitbucket.org"]);
/** Words that make a bare "owner/name" a repository rather than a folder (matched by stem). */
const CODE_WORDS = new Set(
  [
    "github",
    "gitlab",
    "bitbucket",
    "repo",
    "repos",
    "repository",
    "repositories",
    "pr",
    "prs",
    "commit",
    "commits",
    "branch",
    "fork",
    "issue",
    "issues",
    "release",
  ].map(stemOf),
);
const WORD_RE = /[a-z]+/g;

/** Whether the text names a code host or its words ("repo", "pull request"). */
function isCodeContext(lower: string): boolean {
  WORD_RE.lastIndex = 0;
  for (let m = WORD_RE.exec(lower); m; m = WORD_RE.exec(lower))
    if (CODE_WORDS.has(stemOf(m[0]))) return true; // by stem: "branches", "forked", "releases" too
  return false;
}

function addUrl(url: string, entities: TaskEntity[]): void {
  const host = url.replace(/^https?:\/\//, "").split("/")[0] ?? "";
  entities.push({ kind: "url", value: url });
  if (CODE_HOSTS.has(host)) {
    const [, owner, repo] = url.replace(/^https?:\/\//, "").split("/");
    if (owner && repo) entities.push({ kind: "repository", value: `${owner}/${repo}` });
  }
}

/**
 * Finds the entities in a lower-cased text, in order of kind (SQL, URLs, then files and paths).
 * @example scanEntities("read data/events.csv").entities // → [{ kind: "path", value: "data/events.csv" }]
 */
export function scanEntities(lower: string): { entities: TaskEntity[]; hasUrl: boolean } {
  const entities: TaskEntity[] = [];
  if (
    lower.indexOf("select ") >= 0 ||
    lower.indexOf("insert into") >= 0 ||
    lower.indexOf("delete from") >= 0 ||
    lower.indexOf("create table") >= 0 ||
    lower.indexOf(" set ") >= 0
  ) {
    const m = SQL_RE.exec(lower);
    if (m) entities.push({ kind: "sql", value: m[0] });
  }
  const dot = lower.indexOf(".");
  const hasInnerDot = dot >= 0 && dot < lower.length - 1;
  if (lower.indexOf("/") < 0 && !hasInnerDot) return { entities, hasUrl: false };
  const found: TaskEntity[] = [];
  let hasUrl = false;
  ENTITY_RE.lastIndex = 0;
  for (let m = ENTITY_RE.exec(lower); m; m = ENTITY_RE.exec(lower)) {
    const [, url, domain, path, fileName, , bareExtension] = m;
    if (url || domain) {
      hasUrl = true;
      addUrl((url ?? domain) as string, entities);
      continue;
    }
    if (bareExtension) {
      // "every .jpeg", "the .log files": a kind of file on disk (or a database file).
      if (DATABASE_EXTENSIONS.has(bareExtension))
        entities.push({ kind: "database-file", value: m[0] });
      else if (FILE_EXTENSIONS.has(bareExtension)) found.push({ kind: "file", value: m[0] });
      continue;
    }
    const value = (path ?? fileName) as string;
    if (!/[a-z]/.test(value)) continue; // dates such as 10/12/2024
    const ext = extensionOf(value);
    if (DATABASE_EXTENSIONS.has(ext)) {
      entities.push({ kind: "database-file", value });
      continue;
    }
    if (ext && FILE_EXTENSIONS.has(ext)) {
      if (!path && (ext === "js" || ext === "ts") && NOT_FILES.has(value.slice(0, -ext.length - 1)))
        continue;
      found.push({ kind: path ? "path" : "file", value });
      continue;
    }
    if (!path) continue;
    // A folder ("notes/", "./out", "src/app/") is a place on disk; "owner/name" is a repository on a code host.
    // The code words count outside the path itself ("meetings/branching-strategy" is a folder).
    const codeContext = isCodeContext(lower.split(value).join(" "));
    const isFolder =
      /^(?:~|\.{1,2}|\/)/.test(value) ||
      value.endsWith("/") ||
      value.split("/").length > 2 ||
      (!codeContext && PLACE_BEFORE_RE.test(lower.slice(Math.max(0, m.index - 12), m.index)));
    if (isFolder) found.push({ kind: "path", value });
    else if (codeContext) entities.push({ kind: "repository", value });
  }
  for (const file of found) entities.push(file);
  return { entities, hasUrl };
}

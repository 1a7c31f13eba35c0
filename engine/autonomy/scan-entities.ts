import type { CapabilitySlot } from "./task-lexicon";
import type { TaskEntity } from "./vocabulary";

/**
 * Entities in a task's (lower-cased) text: URLs, file names, paths, database files, SQL and
 * repositories, each adding weight to the capability it implies. One global regex, run only when
 * the text has a "/" or an inner "." (every entity has one), so most plain tasks skip it.
 */

type AddWeight = (slot: number, weight: number, at: number) => void;

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

function addUrl(
  url: string,
  at: number,
  add: AddWeight,
  slots: ReadonlyMap<CapabilitySlot, number>,
  entities: TaskEntity[],
): void {
  const host = url.replace(/^https?:\/\//, "").split("/")[0] ?? "";
  entities.push({ kind: "url", value: url });
  if (host === "github.com" || host === "gitlab.com" || host === "bitbucket.org") {
    add(slots.get("code-hosting") as number, 4, at);
    const [, owner, repo] = url.replace(/^https?:\/\//, "").split("/");
    if (owner && repo) entities.push({ kind: "repository", value: `${owner}/${repo}` });
  } else if (host === "drive.google.com" || host === "docs.google.com")
    add(slots.get("documents") as number, 4, at);
  else add(slots.get("web-target") as number, 3, at);
}

/**
 * Finds entities and adds their weights through `add`.
 * @example scanEntities("read data/events.csv", add, SLOT_INDEX, false, false).entities // → [{ kind: "path", value: "data/events.csv" }]
 */
export function scanEntities(
  lower: string,
  add: AddWeight,
  slots: ReadonlyMap<CapabilitySlot, number>,
  isCodeContext: boolean,
  isSaving = false,
): { entities: TaskEntity[]; hasUrl: boolean } {
  const entities: TaskEntity[] = [];
  const dbGeneric = slots.get("db-generic") as number;
  if (
    lower.indexOf("select ") >= 0 ||
    lower.indexOf("insert into") >= 0 ||
    lower.indexOf("delete from") >= 0 ||
    lower.indexOf("create table") >= 0 ||
    lower.indexOf(" set ") >= 0
  ) {
    const m = SQL_RE.exec(lower);
    if (m) {
      entities.push({ kind: "sql", value: m[0] });
      add(dbGeneric, 3, m.index);
    }
  }
  const dot = lower.indexOf(".");
  const hasInnerDot = dot >= 0 && dot < lower.length - 1;
  if (lower.indexOf("/") < 0 && !hasInnerDot) return { entities, hasUrl: false };
  const files = slots.get("files") as number;
  const sqlite = slots.get("sqlite") as number;
  const found: Array<{ kind: "file" | "path"; value: string; at: number; hasPath: boolean }> = [];
  let hasUrl = false;
  ENTITY_RE.lastIndex = 0;
  for (let m = ENTITY_RE.exec(lower); m; m = ENTITY_RE.exec(lower)) {
    const [, url, domain, path, fileName, , bareExtension] = m;
    if (url || domain) {
      hasUrl = true;
      addUrl((url ?? domain) as string, m.index, add, slots, entities);
      continue;
    }
    if (bareExtension) {
      // "every .jpeg", "the .log files": a kind of file on disk (or a database file).
      if (DATABASE_EXTENSIONS.has(bareExtension)) add(sqlite, 2, m.index);
      else if (FILE_EXTENSIONS.has(bareExtension))
        found.push({ kind: "file", value: m[0], at: m.index, hasPath: true });
      continue;
    }
    const value = (path ?? fileName) as string;
    if (!/[a-z]/.test(value)) continue; // dates such as 10/12/2024
    const ext = extensionOf(value);
    if (DATABASE_EXTENSIONS.has(ext)) {
      entities.push({ kind: "database-file", value });
      add(sqlite, 4, m.index);
      continue;
    }
    if (ext && FILE_EXTENSIONS.has(ext)) {
      if (!path && (ext === "js" || ext === "ts") && NOT_FILES.has(value.slice(0, -ext.length - 1)))
        continue;
      if (ext === "sql") add(dbGeneric, 1, m.index);
      found.push({ kind: path ? "path" : "file", value, at: m.index, hasPath: Boolean(path) });
      continue;
    }
    if (!path) continue;
    // A folder ("notes/", "./out", "src/app/") is a place on disk; "owner/name" is a repository on a code host.
    const isFolder =
      /^(?:~|\.{1,2}|\/)/.test(value) ||
      value.endsWith("/") ||
      value.split("/").length > 2 ||
      (!isCodeContext && PLACE_BEFORE_RE.test(lower.slice(Math.max(0, m.index - 12), m.index)));
    if (isFolder) found.push({ kind: "path", value, at: m.index, hasPath: true });
    else if (isCodeContext) entities.push({ kind: "repository", value });
  }
  for (const file of found) {
    entities.push({ kind: file.kind, value: file.value });
    // Next to a URL a bare file name ("the robots.txt of https://…") is usually the page itself,
    // unless something is being saved ("save it to page.md").
    add(files, hasUrl && !file.hasPath && !isSaving ? 1 : 3, file.at);
  }
  return { entities, hasUrl };
}

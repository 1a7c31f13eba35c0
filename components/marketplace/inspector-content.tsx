"use client";

import { FileText, Link2 } from "lucide-react";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";

/** JSON in a scrolling box, as the inspector shows messages and structured values. */
export function JsonBlock({ value, label }: { value: unknown; label?: string }) {
  return (
    <pre
      aria-label={label}
      className="max-h-96 overflow-auto whitespace-pre-wrap break-all rounded-md bg-muted p-3 text-xs"
    >
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

const TEXT_MIME = /^(text\/|application\/(json|xml|javascript|x-yaml|yaml)|.*\+json$|.*\+xml$)/;

function decodeBase64Text(data: string): string | null {
  try {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** One resource's contents: text as text, images as images, other text-like blobs decoded, the rest as a download. */
export function ResourceContents({ contents }: { contents: unknown[] }) {
  return contents.map((raw, index) => {
    const item = raw as { uri?: string; mimeType?: string; text?: string; blob?: string };
    const mime = item.mimeType ?? "";
    let body: ReactNode;
    if (typeof item.text === "string") body = <TextBox text={item.text} />;
    else if (typeof item.blob === "string") {
      const bytes = Math.floor((item.blob.length * 3) / 4);
      const decoded = mime.startsWith("image/") ? null : decodeBase64Text(item.blob);
      body = mime.startsWith("image/") ? (
        // eslint-disable-next-line @next/next/no-img-element -- a data URL from the server, not a page asset
        <img
          alt={`Image ${item.uri ?? ""}`}
          src={`data:${mime};base64,${item.blob}`}
          className="max-h-64 rounded-md border"
        />
      ) : (
        <div className="space-y-1">
          <p className="text-xs text-muted-foreground">
            Binary content, {bytes.toLocaleString()} bytes{mime ? ` (${mime})` : ""}
            {decoded !== null && !TEXT_MIME.test(mime) ? ", shown decoded as text" : ""} ·{" "}
            <a
              href={`data:${mime || "application/octet-stream"};base64,${item.blob}`}
              download={item.uri?.split("/").at(-1) || "resource"}
              className="underline underline-offset-2"
            >
              Download
            </a>
          </p>
          {decoded !== null ? <TextBox text={decoded} /> : null}
        </div>
      );
    } else body = <JsonBlock value={raw} />;
    return (
      <div key={index} className="space-y-1">
        <p className="font-mono text-xs text-muted-foreground">
          {item.uri}
          {mime ? ` · ${mime}` : ""}
        </p>
        {body}
      </div>
    );
  });
}

function TextBox({ text }: { text: string }) {
  return (
    <pre className="max-h-96 overflow-auto whitespace-pre-wrap rounded-md bg-muted p-3 text-xs">
      {text}
    </pre>
  );
}

/**
 * Content blocks of a tool result or a prompt message: text, images, audio, resource links (with
 * a Read button when the caller can read them) and embedded resources.
 */
export function ContentBlocks({
  content,
  onReadLink,
}: {
  content: unknown[];
  onReadLink?: (uri: string) => void;
}) {
  return content.map((part, index) => (
    <ContentBlock key={index} part={part} onReadLink={onReadLink} />
  ));
}

function ContentBlock({ part, onReadLink }: { part: unknown; onReadLink?: (uri: string) => void }) {
  const item = part as {
    type?: string;
    text?: string;
    data?: string;
    mimeType?: string;
    uri?: string;
    name?: string;
    description?: string;
    resource?: unknown;
  };
  switch (item.type) {
    case "text":
      return <TextBox text={item.text ?? ""} />;
    case "image":
      return item.data && item.mimeType ? (
        // eslint-disable-next-line @next/next/no-img-element -- a data URL from the tool, not a page asset
        <img
          alt="Image returned by the tool"
          src={`data:${item.mimeType};base64,${item.data}`}
          className="max-h-64 rounded-md border"
        />
      ) : (
        <JsonBlock value={part} />
      );
    case "audio":
      return item.data && item.mimeType ? (
        <audio
          controls
          aria-label="Audio returned by the tool"
          src={`data:${item.mimeType};base64,${item.data}`}
        />
      ) : (
        <JsonBlock value={part} />
      );
    case "resource_link":
      return (
        <div
          className="flex flex-wrap items-center gap-2 rounded-md border p-2 text-sm"
          role="group"
          aria-label={`Resource link ${item.name ?? item.uri}`}
        >
          <Link2 className="size-4 text-muted-foreground" aria-hidden />
          <span className="font-medium">{item.name ?? "resource"}</span>
          <span className="font-mono text-xs text-muted-foreground">{item.uri}</span>
          {item.mimeType ? (
            <span className="text-xs text-muted-foreground">{item.mimeType}</span>
          ) : null}
          {onReadLink && item.uri ? (
            <Button size="sm" variant="secondary" onClick={() => onReadLink(item.uri!)}>
              Read
            </Button>
          ) : null}
          {item.description ? (
            <p className="w-full text-xs text-muted-foreground">{item.description}</p>
          ) : null}
        </div>
      );
    case "resource":
      return (
        <div className="space-y-1 rounded-md border p-2">
          <p className="flex items-center gap-1 text-xs font-medium">
            <FileText className="size-3" aria-hidden /> Embedded resource
          </p>
          <ResourceContents contents={[item.resource]} />
        </div>
      );
    default:
      return <JsonBlock value={part} />;
  }
}

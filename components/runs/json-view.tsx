import { cn } from "@/components/ui/cn";

/** A JSON value, collapsible by object and array (plain <details>, so it works by keyboard). */
export function JsonView({
  value,
  label,
  className,
}: {
  value: unknown;
  label?: string;
  className?: string;
}) {
  return (
    <div
      className={cn(
        "overflow-x-auto rounded-md border bg-muted/40 p-2 font-mono text-xs",
        className,
      )}
      aria-label={label}
    >
      <JsonNode value={value} depth={0} />
    </div>
  );
}

function JsonNode({ value, name, depth }: { value: unknown; name?: string; depth: number }) {
  const key =
    name !== undefined ? <span className="text-primary">{JSON.stringify(name)}: </span> : null;
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [String(i), v] as const)
      : Object.entries(value);
    const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
    if (entries.length === 0) {
      return (
        <div>
          {key}
          {open}
          {close}
        </div>
      );
    }
    return (
      <details open={depth < 2} className="[&>summary]:cursor-pointer">
        <summary className="list-inside">
          {key}
          {open}
          <span className="text-muted-foreground">
            {" "}
            {entries.length} {entries.length === 1 ? "item" : "items"}{" "}
          </span>
        </summary>
        <div className="ml-4 border-l pl-2">
          {entries.map(([k, v]) => (
            <JsonNode
              key={k}
              name={Array.isArray(value) ? undefined : k}
              value={v}
              depth={depth + 1}
            />
          ))}
        </div>
        <div>{close}</div>
      </details>
    );
  }
  return (
    <div className="whitespace-pre-wrap [overflow-wrap:anywhere]">
      {key}
      <span
        className={
          typeof value === "string"
            ? "text-emerald-700 dark:text-emerald-400"
            : "text-amber-700 dark:text-amber-400"
        }
      >
        {value === undefined ? "undefined" : JSON.stringify(value)}
      </span>
    </div>
  );
}

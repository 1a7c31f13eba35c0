import type { ReactNode } from "react";
import { cn } from "./cn";

export interface DataTableColumn {
  label: string;
  /** Numbers line up on the right. */
  align?: "right";
  /** Named for screen readers only (an actions or details column). */
  srOnly?: boolean;
  className?: string;
}

/** A list page's table: bordered card, column headers, scrolls sideways on narrow screens. Rows go in `children` (a tbody). */
export function DataTable({
  label,
  columns,
  children,
}: {
  label: string;
  columns: DataTableColumn[];
  children: ReactNode;
}) {
  return (
    <div className="overflow-x-auto rounded-xl border bg-card">
      <table className="w-full text-left text-sm" aria-label={label}>
        <thead className="border-b text-xs uppercase text-muted-foreground">
          <tr>
            {columns.map((column) => (
              <th
                key={column.label}
                className={cn(
                  "px-4 py-2 font-medium",
                  column.align === "right" && "text-right",
                  column.className,
                )}
              >
                {column.srOnly ? <span className="sr-only">{column.label}</span> : column.label}
              </th>
            ))}
          </tr>
        </thead>
        {children}
      </table>
    </div>
  );
}

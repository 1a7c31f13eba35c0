"use client";

import { ChevronLeft, ChevronRight } from "lucide-react";
import { Button } from "./button";

/** "Page 2 of 5" with previous and next, under a list paged in the browser; nothing for a single page. */
export function Pager({
  page,
  pages,
  onPage,
  label = "Pages",
}: {
  page: number;
  pages: number;
  onPage: (page: number) => void;
  label?: string;
}) {
  if (pages <= 1) return null;
  return (
    <nav aria-label={label} className="flex items-center justify-end gap-2 text-sm">
      <Button
        variant="secondary"
        size="sm"
        onClick={() => onPage(page - 1)}
        disabled={page === 0}
        aria-label="Previous page"
      >
        <ChevronLeft className="size-4" aria-hidden />
      </Button>
      <span className="tabular-nums">
        Page {page + 1} of {pages}
      </span>
      <Button
        variant="secondary"
        size="sm"
        onClick={() => onPage(page + 1)}
        disabled={page >= pages - 1}
        aria-label="Next page"
      >
        <ChevronRight className="size-4" aria-hidden />
      </Button>
    </nav>
  );
}

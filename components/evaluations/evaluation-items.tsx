"use client";

import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState } from "react";
import type { EvaluatorResult } from "@/engine/evaluation";
import { formatDuration, formatNumber } from "@/components/shared/run-format";
import { Pager } from "@/components/ui/pager";
import { cn } from "@/components/ui/cn";
import { DataTable } from "@/components/ui/data-table";
import type { AppRouter } from "@/server/api/root";
import type { EvaluatorInfo } from "./evaluation-summary";
import {
  evaluatorLabel,
  formatScore,
  formatUsd,
  isFailingItem,
  pageOf,
  previewValue,
} from "./format";

export type EvaluationItemRow = inferRouterOutputs<AppRouter>["evaluation"]["get"]["items"][number];

const PAGE_SIZE = 20;

/** An evaluation's items, a page at a time: input, output, reference, each evaluator's score and reason, usage and the run. */
export function EvaluationItems({
  items,
  evaluators,
  passThreshold,
  isActive,
}: {
  items: EvaluationItemRow[];
  evaluators: EvaluatorInfo[];
  passThreshold: number;
  /** Still running: more items will come. */
  isActive: boolean;
}) {
  const [failingOnly, setFailingOnly] = useState(false);
  const [page, setPage] = useState(0);
  const shown = failingOnly ? items.filter((item) => isFailingItem(item, passThreshold)) : items;
  const current = pageOf(shown, page, PAGE_SIZE);
  const names = new Map(evaluators.map((e) => [e.id, evaluatorLabel(e)]));
  const failing = items.filter((item) => isFailingItem(item, passThreshold)).length;

  return (
    <section aria-labelledby="items-title" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="items-title" className="text-sm font-semibold">
          Items{" "}
          <span className="font-normal text-muted-foreground">
            ({items.length} finished, {failing} failing)
          </span>
        </h2>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={failingOnly}
            onChange={(e) => {
              setFailingOnly(e.target.checked);
              setPage(0);
            }}
          />
          Failing only
        </label>
      </div>
      {shown.length === 0 ? (
        <p className="rounded-xl border border-dashed p-6 text-center text-sm text-muted-foreground">
          {items.length === 0
            ? isActive
              ? "No item has finished yet."
              : "No item finished."
            : "No failing items."}
        </p>
      ) : (
        <DataTable
          label="Evaluation items"
          columns={[
            { label: "Input" },
            { label: "Output" },
            { label: "Reference" },
            { label: "Score", align: "right" },
            { label: "Evaluators" },
            { label: "Tokens", align: "right" },
            { label: "Cost", align: "right" },
            { label: "Duration", align: "right" },
            { label: "Run", srOnly: true },
          ]}
        >
          <tbody>
            {current.rows.map((item) => {
              const isFailing = isFailingItem(item, passThreshold);
              return (
                <tr
                  key={item.itemId}
                  className="border-b align-top last:border-0"
                  data-item-id={item.itemId}
                  data-failing={isFailing || undefined}
                >
                  <Cell value={item.input} />
                  <td className="max-w-64 px-4 py-2">
                    {item.runError ? (
                      <span className="text-danger">{item.runError}</span>
                    ) : (
                      <Value value={item.output} />
                    )}
                  </td>
                  <Cell value={item.reference} />
                  <td
                    className={cn(
                      "px-4 py-2 text-right font-medium tabular-nums",
                      isFailing && "text-danger",
                    )}
                  >
                    {formatScore(item.score)}
                  </td>
                  <td className="min-w-56 px-4 py-2">
                    <ul className="space-y-1">
                      {(item.results as EvaluatorResult[]).map((result) => (
                        <li key={result.evaluatorId} className="text-xs">
                          <span className="font-medium">
                            {names.get(result.evaluatorId) ??
                              evaluatorLabel({ id: result.evaluatorId, kind: result.kind })}
                          </span>{" "}
                          {result.score === null ? (
                            <span className="text-danger">could not score: {result.error}</span>
                          ) : (
                            <>
                              <span className="tabular-nums">{formatScore(result.score)}</span>
                              {result.reason ? (
                                <span className="text-muted-foreground"> · {result.reason}</span>
                              ) : null}
                            </>
                          )}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td className="px-4 py-2 text-right tabular-nums">
                    {item.usage
                      ? formatNumber(item.usage.inputTokens + item.usage.outputTokens)
                      : "—"}
                  </td>
                  <td className="px-4 py-2 text-right tabular-nums">{formatUsd(item.costUsd)}</td>
                  <td className="px-4 py-2 text-right tabular-nums">
                    {formatDuration(item.durationMs)}
                  </td>
                  <td className="px-4 py-2">
                    {item.runId ? (
                      <Link
                        href={`/runs/${item.runId}`}
                        className="whitespace-nowrap underline underline-offset-2"
                      >
                        Open run
                      </Link>
                    ) : (
                      <span className="text-xs text-muted-foreground">no run</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </DataTable>
      )}
      <Pager page={current.page} pages={current.pages} onPage={setPage} label="Item pages" />
    </section>
  );
}

function Cell({ value }: { value: unknown }) {
  return (
    <td className="max-w-64 px-4 py-2">
      <Value value={value} />
    </td>
  );
}

/** A value on one line, the whole of it in a tooltip. */
function Value({ value }: { value: unknown }) {
  const full =
    value === null || value === undefined
      ? undefined
      : typeof value === "string"
        ? value
        : JSON.stringify(value, null, 2);
  return (
    <span className="block break-words font-mono text-xs" title={full}>
      {previewValue(value)}
    </span>
  );
}

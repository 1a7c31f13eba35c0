"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Plus, Trash2 } from "lucide-react";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { FormError } from "@/components/ui/form-error";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Spinner } from "@/components/ui/states";

interface PriceRow {
  key: number;
  model: string;
  inputPerMillion: string;
  outputPerMillion: string;
}

/** Per-row problems before anything is sent: a model name, and two prices of zero or more. */
export function priceProblems(rows: Omit<PriceRow, "key">[]): (string | null)[] {
  const seen = new Set<string>();
  return rows.map((row) => {
    const model = row.model.trim();
    if (!model) return "Name the model";
    if (seen.has(model)) return `${model} is priced twice`;
    seen.add(model);
    for (const [label, value] of [
      ["input", row.inputPerMillion],
      ["output", row.outputPerMillion],
    ] as const) {
      const n = Number(value);
      if (value.trim() === "" || !Number.isFinite(n) || n < 0)
        return `The ${label} price must be a number, 0 or more`;
    }
    return null;
  });
}

let nextKey = 0;
const toRow = (price: {
  model: string;
  inputPerMillion: number;
  outputPerMillion: number;
}): PriceRow => ({
  key: nextKey++,
  model: price.model,
  inputPerMillion: String(price.inputPerMillion),
  outputPerMillion: String(price.outputPerMillion),
});

/**
 * The prices of a provider's models, US dollars per million tokens: runs on a model priced here
 * (or in the built-in table) show their cost; on any other model their cost is "unknown".
 */
export function ModelPrices({
  provider,
  label,
  modelPrefix,
  prices,
}: {
  provider: "openai" | "anthropic" | "openai-compatible";
  label: string;
  modelPrefix: string;
  prices: { model: string; inputPerMillion: number; outputPerMillion: number }[];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [rows, setRows] = useState<PriceRow[]>(() => prices.map(toRow));
  const [showProblems, setShowProblems] = useState(false);
  const problems = priceProblems(rows);
  const save = useMutation(
    trpc.llm.setPrices.mutationOptions({
      onSuccess: () => {
        toast.success(`Saved the prices of ${label}'s models`);
        void queryClient.invalidateQueries({ queryKey: trpc.llm.list.queryKey() });
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  const change = (key: number, patch: Partial<PriceRow>) =>
    setRows((all) => all.map((row) => (row.key === key ? { ...row, ...patch } : row)));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setShowProblems(true);
    if (problems.some(Boolean)) return;
    save.mutate({
      provider,
      prices: rows.map((row) => ({
        model: row.model.trim(),
        inputPerMillion: Number(row.inputPerMillion),
        outputPerMillion: Number(row.outputPerMillion),
      })),
    });
  }

  const headingId = `prices-${provider}`;
  return (
    <form onSubmit={submit} aria-labelledby={headingId} className="mt-5 border-t pt-4" noValidate>
      <h4 id={headingId} className="text-sm font-semibold">
        Model prices
      </h4>
      <p className="mb-3 text-xs text-muted-foreground">
        US dollars per million tokens, for the cost of runs on <code>{modelPrefix}/…</code> models.
        A model priced nowhere shows its cost as “unknown”; a free local model can be priced at 0.
      </p>
      {rows.length ? (
        <table className="mb-2 w-full text-sm">
          <thead>
            <tr className="text-left text-xs text-muted-foreground">
              <th className="pb-1 font-normal">Model</th>
              <th className="pb-1 font-normal">Input $ / M</th>
              <th className="pb-1 font-normal">Output $ / M</th>
              <th className="sr-only">Remove</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={row.key} className="align-top">
                <td className="pr-2 pb-2">
                  <Input
                    aria-label={`Model ${i + 1}`}
                    value={row.model}
                    placeholder="llama3.1"
                    onChange={(e) => change(row.key, { model: e.target.value })}
                  />
                  {showProblems && problems[i] ? (
                    <FormError className="mt-1 text-xs">{problems[i]}</FormError>
                  ) : null}
                </td>
                <td className="pr-2 pb-2">
                  <Input
                    aria-label={`Input price of model ${i + 1}`}
                    inputMode="decimal"
                    value={row.inputPerMillion}
                    onChange={(e) => change(row.key, { inputPerMillion: e.target.value })}
                  />
                </td>
                <td className="pr-2 pb-2">
                  <Input
                    aria-label={`Output price of model ${i + 1}`}
                    inputMode="decimal"
                    value={row.outputPerMillion}
                    onChange={(e) => change(row.key, { outputPerMillion: e.target.value })}
                  />
                </td>
                <td className="pb-2">
                  <Button
                    variant="ghost"
                    size="sm"
                    aria-label={`Remove the price of model ${i + 1}`}
                    onClick={() => setRows((all) => all.filter((r) => r.key !== row.key))}
                  >
                    <Trash2 className="size-4" aria-hidden />
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="mb-2 text-sm text-muted-foreground">
          No prices set: the built-in table prices the usual OpenAI and Anthropic models.
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <Button
          variant="secondary"
          size="sm"
          onClick={() =>
            setRows((all) => [
              ...all,
              toRow({ model: "", inputPerMillion: 0, outputPerMillion: 0 }),
            ])
          }
        >
          <Plus className="size-4" aria-hidden /> Add a price
        </Button>
        <Button type="submit" size="sm" disabled={save.isPending}>
          {save.isPending ? <Spinner /> : null}
          Save prices
        </Button>
      </div>
    </form>
  );
}

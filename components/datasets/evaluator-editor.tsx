"use client";

import { useMutation } from "@tanstack/react-query";
import { Plus, Trash2 } from "lucide-react";
import { useId, useMemo, useState, type ReactNode } from "react";
import { z } from "zod";
import { toast } from "sonner";
import { FormError } from "@/components/ui/form-error";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Input, Label } from "@/components/ui/input";
import { Spinner } from "@/components/ui/states";
import { SchemaForm, type Pickers } from "@/components/shared/schema-form";
import { MAX_EVALUATORS, type EvaluatorKind } from "@/engine/evaluation";
import {
  checkEvaluators,
  EVALUATOR_KIND_LIST,
  EVALUATOR_KINDS,
  formShapeOf,
  newEvaluator,
  problemsOutsideFields,
  serverEvaluatorProblems,
  type EvaluatorDraft,
  type EvaluatorProblems,
} from "./evaluator-form";

type Draft = { key: string; value: EvaluatorDraft };

const controlClass =
  "w-full rounded-md border bg-card px-2.5 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring aria-invalid:border-danger";

let nextKey = 0;
const keyed = (value: EvaluatorDraft): Draft => ({ key: `evaluator-${nextKey++}`, value });

/**
 * The dataset's evaluators: add, edit and remove, each kind's form generated from its zod schema
 * (the inspector's SchemaForm), checked with the engine's schema before saving and showing the
 * server's problems beside their fields. Saving replaces the whole list (`dataset.setEvaluators`).
 */
export function EvaluatorEditor({
  datasetId,
  evaluators,
  canEdit,
  onSaved,
}: {
  datasetId: string;
  evaluators: unknown[];
  canEdit: boolean;
  onSaved: () => void;
}) {
  const trpc = useTRPC();
  const stored = useMemo(() => JSON.stringify(evaluators), [evaluators]);
  const [drafts, setDrafts] = useState<Draft[]>(() => (evaluators as EvaluatorDraft[]).map(keyed));
  const [basis, setBasis] = useState(stored);
  const [checked, setChecked] = useState<EvaluatorProblems>(new Map());
  const [kind, setKind] = useState<EvaluatorKind>("exact-match");
  const save = useMutation(
    trpc.dataset.setEvaluators.mutationOptions({
      onSuccess: (row) => {
        toast.success(`Evaluators saved (${row.evaluators.length})`);
        setBasis(JSON.stringify(row.evaluators));
        setDrafts((row.evaluators as EvaluatorDraft[]).map(keyed));
        onSaved();
      },
    }),
  );
  // Someone saved elsewhere and nothing is edited here: show theirs.
  const isChanged = JSON.stringify(drafts.map((d) => d.value)) !== basis;
  if (stored !== basis && !isChanged) {
    setBasis(stored);
    setDrafts((evaluators as EvaluatorDraft[]).map(keyed));
  }
  const problems: EvaluatorProblems = save.error ? serverEvaluatorProblems(save.error) : checked;

  function change(key: string, update: (old: EvaluatorDraft) => EvaluatorDraft) {
    setDrafts((all) => all.map((d) => (d.key === key ? { ...d, value: update(d.value) } : d)));
    setChecked(new Map());
    save.reset();
  }

  function submit() {
    const result = checkEvaluators(drafts.map((d) => d.value));
    if (!result.ok) {
      setChecked(result.problems);
      save.reset();
      return;
    }
    setChecked(new Map());
    save.mutate({ datasetId, evaluators: result.evaluators });
  }

  const listProblems = problems.get("") ?? [];
  return (
    <section aria-labelledby="evaluators-title" className="space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="evaluators-title" className="text-lg font-semibold">
            Evaluators
          </h2>
          <p className="text-sm text-muted-foreground">
            Each scores every item&apos;s output from 0 to 1 with a reason; an item&apos;s score is
            their mean.
          </p>
        </div>
        {canEdit ? (
          <div className="flex items-end gap-2">
            <div className="space-y-1">
              <Label htmlFor="new-evaluator-kind" className="block">
                Kind
              </Label>
              <select
                id="new-evaluator-kind"
                className="h-8 rounded-md border bg-card px-2 text-sm"
                value={kind}
                onChange={(e) => setKind(e.target.value as EvaluatorKind)}
              >
                {EVALUATOR_KIND_LIST.map((k) => (
                  <option key={k} value={k}>
                    {EVALUATOR_KINDS[k].label}
                  </option>
                ))}
              </select>
            </div>
            <Button
              variant="secondary"
              size="sm"
              disabled={drafts.length >= MAX_EVALUATORS}
              title={
                drafts.length >= MAX_EVALUATORS
                  ? `A dataset has at most ${MAX_EVALUATORS} evaluators`
                  : undefined
              }
              onClick={() => {
                setDrafts((all) => [
                  ...all,
                  keyed(
                    newEvaluator(
                      kind,
                      all.map((d) => String(d.value.id ?? "")),
                    ),
                  ),
                ]);
                save.reset();
              }}
            >
              <Plus className="size-4" aria-hidden /> Add evaluator
            </Button>
          </div>
        ) : null}
      </div>

      {drafts.length === 0 ? (
        <p className="rounded-lg border border-dashed p-4 text-sm text-muted-foreground">
          No evaluators yet.{" "}
          {canEdit
            ? "Pick a kind and add one: an evaluation needs at least one."
            : "An editor adds them; an evaluation needs at least one."}
        </p>
      ) : (
        <ol className="space-y-3" aria-label="Evaluators">
          {drafts.map((draft, index) => (
            <EvaluatorCard
              key={draft.key}
              index={index}
              draft={draft.value}
              problems={problems}
              readOnly={!canEdit}
              onChange={(update) => change(draft.key, update)}
              onRemove={() => {
                setDrafts((all) => all.filter((d) => d.key !== draft.key));
                setChecked(new Map());
                save.reset();
              }}
            />
          ))}
        </ol>
      )}
      {listProblems.map((message) => (
        <FormError key={message}>{message}</FormError>
      ))}
      {canEdit ? (
        <div className="flex items-center gap-3">
          <Button onClick={submit} disabled={!isChanged || save.isPending}>
            {save.isPending ? <Spinner /> : null}
            Save evaluators
          </Button>
          {isChanged ? (
            <>
              <span className="text-sm text-muted-foreground">Unsaved changes</span>
              <Button
                variant="ghost"
                size="sm"
                onClick={() => {
                  setDrafts((JSON.parse(basis) as EvaluatorDraft[]).map(keyed));
                  setChecked(new Map());
                  save.reset();
                }}
              >
                Discard
              </Button>
            </>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function EvaluatorCard({
  index,
  draft,
  problems,
  readOnly,
  onChange,
  onRemove,
}: {
  index: number;
  draft: EvaluatorDraft;
  problems: EvaluatorProblems;
  readOnly: boolean;
  onChange: (update: (old: EvaluatorDraft) => EvaluatorDraft) => void;
  onRemove: () => void;
}) {
  const id = useId();
  const kind = EVALUATOR_KINDS[draft.kind];
  const shape = useMemo(() => formShapeOf(draft.kind), [draft.kind]);
  const pickers = useMemo(() => pickersFor(shape), [shape]);
  const fieldProblems = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const [key, messages] of problems) if (key.startsWith(`${index}.`)) map.set(key, messages);
    return map;
  }, [problems, index]);
  const top = problemsOutsideFields(problems, index, ["id", "name", ...Object.keys(shape.shape)]);
  const title =
    typeof draft.name === "string" && draft.name.trim() ? draft.name : String(draft.id ?? "");
  const setField = (name: string, value: unknown) =>
    onChange((old) => {
      const copy = { ...old };
      if (value === undefined || value === "") delete copy[name];
      else copy[name] = value;
      return copy;
    });

  return (
    <li aria-label={`Evaluator ${title}`} className="rounded-xl border bg-card p-4">
      <div className="mb-3 flex items-start justify-between gap-3">
        <div>
          <p className="font-medium">
            {kind?.label ?? draft.kind}{" "}
            <span className="font-normal text-muted-foreground">· {title}</span>
          </p>
          <p className="text-xs text-muted-foreground">{kind?.description}</p>
        </div>
        {readOnly ? null : (
          <Button
            variant="ghost"
            size="sm"
            aria-label={`Remove evaluator ${title}`}
            onClick={onRemove}
          >
            <Trash2 className="size-4" aria-hidden />
          </Button>
        )}
      </div>
      {top.map((message) => (
        <FormError key={message} className="mb-2">
          {message}
        </FormError>
      ))}
      <fieldset disabled={readOnly} className="space-y-3">
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField
            id={`${id}-id`}
            label="Id"
            hint="Names its scores in results and comparisons."
            value={draft.id}
            problems={fieldProblems.get(`${index}.id`)}
            onChange={(v) => setField("id", v)}
          />
          <TextField
            id={`${id}-name`}
            label="Name (optional)"
            hint="Shown in results instead of the id."
            value={draft.name}
            problems={fieldProblems.get(`${index}.name`)}
            onChange={(v) => setField("name", v)}
          />
        </div>
        {Object.keys(shape.shape).length ? (
          <SchemaForm
            schema={shape}
            value={draft}
            onChange={(update) => onChange((old) => ({ ...update(old), kind: old.kind }))}
            problems={fieldProblems}
            pickers={pickers}
            pathPrefix={String(index)}
          />
        ) : null}
      </fieldset>
    </li>
  );
}

function TextField({
  id,
  label,
  hint,
  value,
  problems,
  onChange,
}: {
  id: string;
  label: string;
  hint?: string;
  value: unknown;
  problems?: string[];
  onChange: (value: string) => void;
}) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <Input
        id={id}
        className="h-9"
        value={typeof value === "string" ? value : ""}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={problems?.length ? true : undefined}
      />
      {hint ? <p className="text-xs text-muted-foreground">{hint}</p> : null}
      {problems?.map((p) => (
        <FormError key={p}>{p}</FormError>
      ))}
    </div>
  );
}

/** Under its optional/default/nullable wrappers. */
function inner(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (
    current instanceof z.ZodOptional ||
    current instanceof z.ZodNullable ||
    current instanceof z.ZodDefault
  )
    current = current.unwrap() as z.ZodType;
  return current;
}

/**
 * Controls the generated form cannot pick from a schema alone: checkboxes that keep an explicit
 * false (the form drops false, and `trim` defaults to true), a model name (a transformed string),
 * and long text (a rubric, an expression).
 */
function pickersFor(shape: z.ZodObject): Pickers {
  const pickers: Pickers = {};
  for (const [name, field] of Object.entries(shape.shape)) {
    if (inner(field as z.ZodType) instanceof z.ZodBoolean) {
      pickers[name] = ({ id, value, onChange }) => (
        <input
          id={id}
          type="checkbox"
          checked={value === true}
          onChange={(e) => onChange(e.target.checked)}
        />
      );
    }
  }
  if ("model" in shape.shape) {
    pickers.model = ({ id, value, onChange }) => (
      <Input
        id={id}
        className="h-9"
        placeholder="The tenant's default"
        value={typeof value === "string" ? value : ""}
        onChange={(e) => onChange(e.target.value.trim() === "" ? null : e.target.value)}
      />
    );
  }
  for (const name of ["rubric", "expression"]) {
    if (name in shape.shape) pickers[name] = longText;
  }
  return pickers;
}

function longText({
  id,
  value,
  onChange,
}: {
  id: string;
  value: unknown;
  onChange: (value: unknown) => void;
}): ReactNode {
  return (
    <textarea
      id={id}
      rows={4}
      className={`${controlClass} font-mono text-xs`}
      value={typeof value === "string" ? value : ""}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

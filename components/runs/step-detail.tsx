import {
  formatCost,
  formatDuration,
  formatTokens,
  unpricedNote,
} from "@/components/shared/run-format";
import { JsonView } from "./json-view";
import type { StepView } from "./ordered-steps";
import { describeInterruption } from "./run-state";
import { StatusBadge } from "@/components/shared/status-badge";
import { StepRerun } from "./step-rerun";

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="space-y-1.5">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-muted-foreground">
        {title}
      </h3>
      {children}
    </section>
  );
}

/**
 * What one step read, produced and cost; streamed text while it runs. `rerunOf` (the run's id, when
 * the run has ended and the member may edit the workflow) offers "Re-run this step" for plan steps.
 */
export function StepDetail({
  step,
  steps,
  runInput,
  rerunOf,
}: {
  step: StepView;
  steps: StepView[];
  runInput: unknown;
  rerunOf?: string | null;
}) {
  const byId = new Map(steps.map((s) => [s.stepId, s]));
  const duration =
    step.startedAt != null && step.finishedAt != null ? step.finishedAt - step.startedAt : null;
  return (
    <div
      className="space-y-4 rounded-xl border bg-card p-4"
      aria-label={`Step ${step.label}`}
      role="region"
    >
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="text-base font-semibold">{step.label}</h2>
        <StatusBadge status={step.status} />
        <span className="text-xs text-muted-foreground">{step.kind}</span>
      </div>
      <dl className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-4">
        <Stat label="Duration" value={formatDuration(duration)} />
        <Stat label="Attempts" value={String(step.attempts)} />
        <Stat label="Tokens" value={formatTokens(step.inputTokens, step.outputTokens)} />
        <Stat
          label="Cost"
          value={formatCost(step.costUsd, step.unpricedTokens)}
          title={unpricedNote(step.unpricedTokens)}
        />
      </dl>
      {step.error ? (
        <Section title="Error">
          <p role="alert" className="rounded-md border border-danger/40 bg-danger/5 p-2 text-sm">
            <span className="font-mono text-xs text-danger">{step.error.code}</span>{" "}
            {step.error.message}
          </p>
        </Section>
      ) : null}
      {step.skipReason ? (
        <p className="text-sm text-muted-foreground">Skipped: {step.skipReason}</p>
      ) : null}
      {step.interruptions.length ? (
        <Section title="Interrupted">
          <ul className="space-y-1 text-sm">
            {step.interruptions.map((interruption, i) => (
              <li key={i}>{describeInterruption(interruption)}</li>
            ))}
          </ul>
        </Section>
      ) : null}
      {step.progress ? <p className="text-sm text-muted-foreground">{step.progress}</p> : null}
      <Section title="Input">
        {step.kind === "input" ? (
          <JsonView value={runInput} label="Run input" />
        ) : step.inputs.length === 0 ? (
          <p className="text-sm text-muted-foreground">No incoming bindings.</p>
        ) : (
          step.inputs.map((binding) => {
            const source = byId.get(binding.step);
            return (
              <div key={`${binding.step}:${binding.port}`} className="space-y-1">
                <p className="text-xs text-muted-foreground">
                  from{" "}
                  <span className="font-medium text-foreground">
                    {source?.label ?? binding.step}
                  </span>{" "}
                  ({binding.port})
                </p>
                {source?.hasOutput ? (
                  <JsonView value={source.output} />
                ) : (
                  <p className="text-xs text-muted-foreground">Not produced yet.</p>
                )}
              </div>
            );
          })
        )}
      </Section>
      {step.streamed && !step.hasOutput ? (
        <Section title="Streaming output">
          <pre
            aria-live="polite"
            className="max-h-64 overflow-auto whitespace-pre-wrap rounded-md border bg-muted/40 p-2 text-xs"
          >
            {step.streamed}
          </pre>
        </Section>
      ) : null}
      <Section title={step.port && step.port !== "out" ? `Output (port ${step.port})` : "Output"}>
        {step.hasOutput ? (
          <JsonView value={step.output} label={`Output of ${step.label}`} />
        ) : (
          <p className="text-sm text-muted-foreground">No output yet.</p>
        )}
      </Section>
      {rerunOf &&
      !step.parentStepId &&
      step.kind !== "human-approval" &&
      step.status !== "running" ? (
        <StepRerun key={step.stepId} runId={rerunOf} stepId={step.stepId} />
      ) : null}
    </div>
  );
}

function Stat({ label, value, title }: { label: string; value: string; title?: string }) {
  return (
    <div>
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="tabular-nums" title={title}>
        {value}
      </dd>
    </div>
  );
}

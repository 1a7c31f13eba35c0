import { Field, Input } from "@/components/ui/input";

export interface ExperimentSettings {
  /** Share of runs sent to A under hash assignment, 0.05–0.95. */
  split: number;
  assignment: "hash" | "thompson";
  /** As typed; checked on submit. */
  minPerArm: string;
  maxTotal: string;
}

type Errors = Partial<Record<"split" | "minPerArm" | "maxTotal", string>>;

const ASSIGNMENTS = [
  {
    id: "hash",
    label: "Fixed split",
    hint: "each run goes to A or B by a hash of its id, honouring the split",
  },
  {
    id: "thompson",
    label: "Thompson sampling",
    hint: "more runs go to the arm that is doing better so far",
  },
] as const;

/** How runs are split between the arms, and when the stop rule may decide. */
export function ExperimentSettingsFields({
  value,
  onChange,
  errors,
  armLabels,
}: {
  value: ExperimentSettings;
  onChange: (value: ExperimentSettings) => void;
  errors: Errors;
  armLabels: [string, string];
}) {
  const percentA = Math.round(value.split * 100);
  const isHash = value.assignment === "hash";
  return (
    <>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Assignment</legend>
        {ASSIGNMENTS.map((a) => (
          <label key={a.id} className="flex items-start gap-2 text-sm">
            <input
              type="radio"
              name="experiment-assignment"
              value={a.id}
              checked={value.assignment === a.id}
              onChange={() => onChange({ ...value, assignment: a.id })}
              className="mt-1"
            />
            <span>
              <span className="font-medium">{a.label}</span>{" "}
              <span className="text-muted-foreground">· {a.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <Field label="Split" htmlFor="experiment-split" error={errors.split}>
        <div className="flex items-center gap-3">
          <input
            id="experiment-split"
            type="range"
            min={5}
            max={95}
            step={5}
            value={percentA}
            disabled={!isHash}
            onChange={(e) => onChange({ ...value, split: Number(e.target.value) / 100 })}
            aria-valuetext={`${percentA} % to ${armLabels[0]}, ${100 - percentA} % to ${armLabels[1]}`}
            aria-describedby="experiment-split-hint"
            className="w-full accent-[var(--primary)] disabled:opacity-50"
          />
          <output
            htmlFor="experiment-split"
            className="w-36 shrink-0 text-right text-sm tabular-nums"
          >
            {percentA} % {armLabels[0]} · {100 - percentA} % {armLabels[1]}
          </output>
        </div>
        <p id="experiment-split-hint" className="text-xs text-muted-foreground">
          {isHash
            ? "The share of runs each version gets."
            : "Thompson sampling sets the shares itself as evidence comes in."}
        </p>
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Minimum runs per arm"
          htmlFor="experiment-min-per-arm"
          error={errors.minPerArm}
        >
          <Input
            id="experiment-min-per-arm"
            type="number"
            inputMode="numeric"
            min={5}
            step={1}
            value={value.minPerArm}
            onChange={(e) => onChange({ ...value, minPerArm: e.target.value })}
            aria-invalid={Boolean(errors.minPerArm)}
            aria-describedby={
              errors.minPerArm ? "experiment-min-per-arm-error" : "experiment-min-per-arm-hint"
            }
          />
          <p id="experiment-min-per-arm-hint" className="text-xs text-muted-foreground">
            No verdict before each version has this many outcomes.
          </p>
        </Field>
        <Field label="Stop undecided after" htmlFor="experiment-max-total" error={errors.maxTotal}>
          <Input
            id="experiment-max-total"
            type="number"
            inputMode="numeric"
            min={20}
            step={1}
            value={value.maxTotal}
            onChange={(e) => onChange({ ...value, maxTotal: e.target.value })}
            aria-invalid={Boolean(errors.maxTotal)}
            aria-describedby={
              errors.maxTotal ? "experiment-max-total-error" : "experiment-max-total-hint"
            }
          />
          <p id="experiment-max-total-hint" className="text-xs text-muted-foreground">
            Runs in all, if no version has won by then.
          </p>
        </Field>
      </div>
    </>
  );
}

import { PenLine } from "lucide-react";
import { patternName } from "./format";
import type { LearningOverview } from "./types";

type Counts = Record<string, number>;

/** Entries by count, most frequent first. */
const byCount = (counts: Counts) =>
  Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

/** "chain->parallel" → "Chain → Parallel"; models keep their names. */
function describeChange(change: string, name: (s: string) => string): string {
  const [from = "", to = ""] = change.split("->");
  return `${name(from)} → ${name(to)}`;
}

/**
 * What edits to the planner's proposals taught: which patterns people switch to, which servers they
 * add or drop, which model they prefer. The planner leans on these on close calls.
 */
export function PreferencesPanel({
  preferences,
}: {
  preferences: LearningOverview["preferences"];
}) {
  const { counters, bias } = preferences;
  return (
    <section className="rounded-xl border bg-card p-4" aria-labelledby="preferences-title">
      <h2 id="preferences-title" className="text-sm font-semibold">
        Preferences learned from edits
      </h2>
      {counters.edits === 0 ? (
        <div className="mt-3 flex items-start gap-3 text-sm text-muted-foreground">
          <PenLine className="mt-0.5 size-4 shrink-0" aria-hidden />
          <p>
            Nothing learned yet. This fills up as workflows proposed from a task are edited and
            published: each change to the pattern, servers or model nudges the next proposals
            towards what you keep choosing.
          </p>
        </div>
      ) : (
        <>
          <p className="mt-1 text-xs text-muted-foreground">
            From {counters.edits} published {counters.edits === 1 ? "proposal" : "proposals"}.
            {bias.preferredModel ? (
              <>
                {" "}
                Preferred model:{" "}
                <span className="font-medium text-foreground">{bias.preferredModel}</span>.
              </>
            ) : null}
          </p>
          <dl className="mt-3 grid gap-4 text-sm sm:grid-cols-2 lg:grid-cols-4">
            <Group
              title="Pattern changes"
              items={byCount(counters.patternChanges).map(([c, n]) => [
                describeChange(c, patternName),
                n,
              ])}
            />
            <Group title="Servers added" items={byCount(counters.serversAdded)} />
            <Group title="Servers removed" items={byCount(counters.serversRemoved)} />
            <Group
              title="Model changes"
              items={byCount(counters.modelChanges).map(([c, n]) => [
                describeChange(c, (m) => m),
                n,
              ])}
            />
          </dl>
        </>
      )}
    </section>
  );
}

function Group({ title, items }: { title: string; items: [string, number][] }) {
  return (
    <div>
      <dt className="text-xs text-muted-foreground">{title}</dt>
      <dd>
        {items.length === 0 ? (
          <span className="text-muted-foreground">None</span>
        ) : (
          <ul className="space-y-0.5">
            {items.map(([label, count]) => (
              <li key={label}>
                {label} <span className="tabular-nums text-muted-foreground">×{count}</span>
              </li>
            ))}
          </ul>
        )}
      </dd>
    </div>
  );
}

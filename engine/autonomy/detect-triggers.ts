import { readSchedules, SCHEDULE_GATE } from "./detect-schedule";
import { readWebhooks, WEBHOOK_GATE } from "./detect-webhook";
import { readSentences } from "./trigger-words";

/**
 * What would start the proposed workflow, read from the task's words. Only proposed: the user sets
 * it up in the workflow's Triggers dialog (a schedule's hour, a webhook's secret are theirs to say).
 */
export type ProposedTrigger =
  | {
      kind: "schedule";
      /** Five fields: minute hour day-of-month month day-of-week. */
      cron: string;
      /** Only when the task names one (UTC); otherwise the Triggers dialog's default. */
      timezone?: string;
      /** "every weekday at 9:00". */
      description: string;
      reason: string;
      /** The words it was read from, as written. */
      phrase: string;
    }
  | {
      kind: "webhook";
      description: string;
      reason: string;
      phrase: string;
      /** A product the event comes from ("GitHub"), when the task names one. */ source?: string;
    };

/** At most this many: a task that names more is better set up by hand. */
const MAX_TRIGGERS = 3;

/**
 * Schedules ("every weekday at 9", "daily at 18:30", "every 15 minutes", "on the 1st of every
 * month") and webhooks ("when a form is submitted", "on every Stripe payment") a task asks for,
 * with what was assumed. Adjectives ("the weekly report"), one-off times ("at 9 tomorrow") and
 * questions ("when was the invoice paid?") give none.
 * @example detectTriggers("Every morning, email me the top stories")[0] // → { kind: "schedule", cron: "0 9 * * *", description: "every day at 9:00", … }
 */
export function detectTriggers(task: string): ProposedTrigger[] {
  const found: ProposedTrigger[] = [];
  // Most tasks name no start: skip cutting them into sentences.
  if (!SCHEDULE_GATE.test(task) && !WEBHOOK_GATE.test(task)) return found;
  const seen = new Set<string>();
  for (const sentence of readSentences(task)) {
    for (const s of readSchedules(sentence)) {
      const key = `schedule:${s.cron}:${s.timezone ?? ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const assumed = s.assumed.length ? `; assumed ${s.assumed.join(", ")}` : "";
      found.push({
        kind: "schedule",
        cron: s.cron,
        ...(s.timezone ? { timezone: s.timezone } : {}),
        description: s.description,
        reason: `“${s.phrase}” reads as a schedule: ${s.description} (cron ${s.cron})${assumed}`,
        phrase: s.phrase,
      });
    }
    for (const w of readWebhooks(sentence)) {
      const key = `webhook:${w.description.toLowerCase()}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push({
        kind: "webhook",
        description: w.description,
        reason: `“${w.phrase}” is an event from outside: a webhook${w.source ? ` that ${w.source} calls` : " the sender calls"} starts each run`,
        phrase: w.phrase,
        ...(w.source ? { source: w.source } : {}),
      });
    }
  }
  return found.slice(0, MAX_TRIGGERS);
}

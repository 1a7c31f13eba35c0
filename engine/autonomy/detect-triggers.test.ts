import { describe, expect, it } from "vitest";
import { BUILTIN_ENTRIES } from "./__fixtures__/catalog";
import { detectTriggers } from "./detect-triggers";
import { planWorkflow, replanAs } from "./plan-workflow";
import { buildDiscoveryIndex } from "./server-discovery";

/**
 * Phrasings written for this table, not taken from any task set; each row is one behaviour of the
 * grammar (unit, weekday, time of day, interval, adverb, count, day of month, window) or a case it
 * must leave alone.
 */
const schedule = (task: string) =>
  detectTriggers(task)
    .filter((t) => t.kind === "schedule")
    .map((t) => (t.kind === "schedule" ? t.cron : ""));
const described = (task: string) => detectTriggers(task).map((t) => t.description);

describe("detectTriggers: schedules", () => {
  it.each([
    // every + unit, with and without a number
    ["Check the status page every hour and note any incident", "0 * * * *"],
    ["Every 15 minutes, poll the queue length", "*/15 * * * *"],
    ["Refresh the cache every five minutes", "*/5 * * * *"],
    ["Every 6 hours, look at disk usage on the build server", "0 */6 * * *"],
    ["Every 120 minutes export the leads", "0 */2 * * *"],
    ["Every day at 7:30 pull yesterday's sales", "30 7 * * *"],
    ["Every other day, rotate the test data", "0 9 */2 * *"],
    ["Every week, archive closed tickets", "0 9 * * 1"],
    ["Every month send the usage statement to finance", "0 9 1 * *"],
    ["Every year, renew the domain list report", "0 9 1 1 *"],
    // weekdays, sets and ranges
    ["Every weekday at 9, send me the top headlines", "0 9 * * 1-5"],
    ["Every Monday, post last week's deploy count", "0 9 * * 1"],
    ["Every Tuesday and Friday at 4:15 pm collect the feedback", "15 16 * * 2,5"],
    ["Mondays and Thursdays at 7:45 pm, send the digest", "45 19 * * 1,4"],
    ["On weekdays at 8 a.m. fetch the weather for Oslo", "0 8 * * 1-5"],
    ["On weekends at 10, water-check the greenhouse sensors", "0 10 * * 0,6"],
    ["Every Monday to Friday at 9:15 open the dashboard", "15 9 * * 1-5"],
    ["Weekly on Friday at 4pm, summarize merged commits", "0 16 * * 5"],
    // parts of the day (hour assumed), times written in several ways
    ["Every morning, summarize my unread mail", "0 9 * * *"],
    ["Each evening write a journal prompt", "0 18 * * *"],
    ["Every weekday morning, list the meetings of the day", "0 9 * * 1-5"],
    ["Every Sunday night archive the logs", "0 22 * * 0"],
    ["Every day at noon and midnight rotate the keys", "0 0,12 * * *"],
    ["Daily at 18:30, back up the notes folder", "30 18 * * *"],
    ["Every day at 9 o'clock tidy the downloads folder", "0 9 * * *"],
    // adverbs used as adverbs
    ["Back up the database nightly", "0 22 * * *"],
    ["Send me the open pull requests daily", "0 9 * * *"],
    ["Run the link checker hourly", "0 * * * *"],
    ["Compile the KPIs monthly on the 5th", "0 9 5 * *"],
    ["Collect the metrics on a daily basis", "0 9 * * *"],
    ["Quarterly, gather the board figures", "0 9 1 */3 *"],
    // counts per period
    ["Once a week, clean up the temp folder", "0 9 * * 1"],
    ["Twice a day check the uptime of the shop", "0 9,17 * * *"],
    ["Three times a week post a tip to the channel", "0 9 * * 1,3,5"],
    ["Four times an hour sample the queue", "*/15 * * * *"],
    // days of the month
    ["On the first of every month, create the invoices", "0 9 1 * *"],
    ["On the 15th of each month at 10:00 remind the team about expenses", "0 10 15 * *"],
    // hour windows
    ["Every hour during business hours, scan the support inbox", "0 9-17 * * 1-5"],
    ["Every 30 minutes between 8am and 6pm, check the order feed", "*/30 8-17 * * *"],
  ])("%s → %s", (task, cron) => {
    expect(schedule(task)).toEqual([cron]);
  });

  it("describes the schedule in words and says what it assumed", () => {
    const [morning] = detectTriggers("Every morning, summarize my unread mail");
    expect(morning).toMatchObject({
      kind: "schedule",
      description: "every day at 9:00",
      phrase: "Every morning",
    });
    expect(morning?.reason).toMatch(/assumed 9:00 for “morning”/);
    expect(described("Every weekday at 9, send me the top headlines")).toEqual([
      "every weekday at 9:00",
    ]);
    expect(described("Every 15 minutes, poll the queue length")).toEqual(["every 15 minutes"]);
    expect(described("On the first of every month, create the invoices")).toEqual([
      "on the 1st of every month at 9:00",
    ]);
    // A bare afternoon hour is read as such, and said so.
    const [five] = detectTriggers("Every Friday at 5 send the weekly numbers");
    expect(five).toMatchObject({ cron: "0 17 * * 5" });
    expect(five?.reason).toMatch(/“5” as 17:00/);
    expect(detectTriggers("Every day at 6:00 UTC fetch the rates")[0]).toMatchObject({
      cron: "0 6 * * *",
      timezone: "UTC",
    });
    expect(detectTriggers("Every day at 6:00 fetch the rates")[0]).not.toHaveProperty("timezone");
  });

  it.each([
    // adjectives name a kind of thing, not when to run
    "Summarize the weekly report",
    "Calculate the daily average of these readings",
    "Compare the hourly rates of three freelancers",
    "Post an everyday tips message",
    // Decided: "a daily standup summary of this transcript" is one summary of one transcript; the
    // adjective says what kind, and a schedule nobody asked for costs more than one the user adds.
    "Write a daily standup summary of this transcript",
    // a hyphenated name is not an adverb
    "Restart the nightly-build job now",
    // one moment is not a recurrence
    "Fetch the page at 9am tomorrow",
    "Remind me what happened on Monday",
    "Book the room for Friday at 3",
    // going through items
    "Process each day of the log file separately",
    "For every hour of downtime, add a credit note",
    "Count the words in every paragraph",
    "List every Monday in March 2026",
    "Fridays are busy, so draft the plan early",
    // a retry policy inside a run
    "Call the API and retry every 5 minutes until it answers",
    // what cron cannot say in one expression is left to the user
    "Every 90 minutes poll the feed",
    "Every 30 seconds ping the server",
    "Every two weeks send the newsletter",
    "At the end of every month close the books",
  ])("no schedule: %s", (task) => {
    expect(schedule(task)).toEqual([]);
  });
});

describe("detectTriggers: webhooks", () => {
  it.each([
    ["When a form is submitted, add the answers to the sheet", "when a form is submitted"],
    [
      "Post to Slack when a new issue is opened on GitHub and label it",
      "when a new issue is opened on GitHub",
    ],
    ["When we receive an order, email the customer a confirmation", "when we receive an order"],
    ["Send a receipt on every Stripe payment", "on every Stripe payment"],
    ["Whenever the build fails, open an issue with the log", "whenever the build fails"],
    [
      "Every time someone stars the repo, thank them in the channel",
      "every time someone stars the repo",
    ],
    ["As soon as a new lead comes in, look it up on the web", "as soon as a new lead comes in"],
    ["When a user signs up, add them to the CRM", "when a user signs up"],
    ["For every new signup, send a welcome email", "for every new signup"],
    ["After each deploy, run the smoke tests", "after each deploy"],
    [
      "When a customer places an order on Shopify, notify the warehouse",
      "when a customer places an order on Shopify",
    ],
    ["Can you post to the channel when a pull request is merged?", "when a pull request is merged"],
  ])("%s → %s", (task, description) => {
    const triggers = detectTriggers(task);
    expect(triggers.map((t) => [t.kind, t.description])).toEqual([["webhook", description]]);
  });

  it("names the product the event comes from and says why in the reason", () => {
    const [github] = detectTriggers("Post to Slack when a new issue is opened on GitHub");
    expect(github).toMatchObject({ kind: "webhook", source: "GitHub" });
    expect(github?.reason).toMatch(/event from outside: a webhook that GitHub calls/);
  });

  it.each([
    "When was the invoice paid?",
    "When were the orders shipped to Lisbon?",
    "What should we do when a customer cancels?",
    "Explain what happens when a user signs up",
    "Explain when to use a webhook",
    // the run's own steps and agent, not an outside event
    "When the report is ready, email it to me",
    "When you are done, send me a summary",
    "Check the weather when I arrive in Rome",
    "Summarize what customers said when we received the survey",
    // going through items
    "Comment on each issue in the repository",
    "Route each incoming ticket to billing, bugs or sales",
  ])("no webhook: %s", (task) => {
    expect(detectTriggers(task)).toEqual([]);
  });

  it("reads a schedule and an event from one task", () => {
    const triggers = detectTriggers(
      "Every Friday at 17:00 send the summary. Also, when a ticket is escalated, page the on-call engineer.",
    );
    expect(triggers.map((t) => [t.kind, t.description])).toEqual([
      ["schedule", "every Friday at 17:00"],
      ["webhook", "when a ticket is escalated"],
    ]);
  });
});

describe("the planner proposes triggers", () => {
  const index = buildDiscoveryIndex(BUILTIN_ENTRIES);

  it("adds them to the proposal and its reasons, and keeps them when re-planned", () => {
    const proposal = planWorkflow(
      "Every weekday at 9, search the web for news about our competitors and summarize it",
      { index },
    );
    expect(proposal.triggers).toEqual([
      expect.objectContaining({
        kind: "schedule",
        cron: "0 9 * * 1-5",
        description: "every weekday at 9:00",
      }),
    ]);
    expect(
      proposal.decision.reasons.some((r) =>
        r.startsWith("trigger: “Every weekday at 9” reads as a schedule"),
      ),
    ).toBe(true);
    const replanned = replanAs(proposal, "single", {});
    expect(replanned.triggers).toEqual(proposal.triggers);
  });

  it("proposes none for a task that names no start", () => {
    const proposal = planWorkflow("Summarize the weekly report in docs/report.md", { index });
    expect(proposal.triggers).toEqual([]);
    expect(proposal.decision.reasons.some((r) => r.startsWith("trigger:"))).toBe(false);
  });
});

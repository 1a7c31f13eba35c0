import type { Pattern } from "../vocabulary";

/**
 * Labelled tasks written independently of the dev set (other wording, other domains), to check that
 * the analyzer and decision engine generalise. `servers` are the catalog short names a task needs,
 * best first; `pattern` is the workflow shape a careful engineer would build.
 */
export type LabelledTask = { task: string; servers: string[]; pattern: Pattern };

export const EXTRA_TASKS: LabelledTask[] = [
  // single
  {
    task: "Grab the JSON from https://api.example.org/v1/status and tell me whether every service is up",
    servers: ["fetch"],
    pattern: "single",
  },
  {
    task: "Show me the five largest files under ~/projects/site",
    servers: ["filesystem"],
    pattern: "single",
  },
  {
    task: "Open a new issue in the acme/web repository describing the crash on startup",
    servers: ["github"],
    pattern: "single",
  },
  {
    task: "What are the ten most recent rows in the audit_log table of our PostgreSQL warehouse?",
    servers: ["postgres"],
    pattern: "single",
  },
  { task: "Count the orders per country in sales.sqlite3", servers: ["sqlite"], pattern: "single" },
  {
    task: "Take a full-page screenshot of https://status.example.com",
    servers: ["puppeteer"],
    pattern: "single",
  },
  {
    task: "Search for reviews of the Framework 13 laptop",
    servers: ["brave-search"],
    pattern: "single",
  },
  {
    task: "Find the Q3 budget spreadsheet in our shared drive and tell me the total",
    servers: ["google-drive"],
    pattern: "single",
  },
  { task: "Remember that Alice prefers morning meetings", servers: ["memory"], pattern: "single" },
  {
    task: "What do you remember about the Falcon project?",
    servers: ["memory"],
    pattern: "single",
  },
  {
    task: "Echo 'hello' back through the MCP test server to check the client works",
    servers: ["everything"],
    pattern: "single",
  },
  {
    task: "Use sequential thinking to work out how many weighings are needed to find the fake coin among twelve",
    servers: ["sequential-thinking"],
    pattern: "single",
  },
  { task: "Translate this paragraph into Spanish", servers: [], pattern: "single" },
  {
    task: "Rename every .log file in the tmp folder so it ends in .old",
    servers: ["filesystem"],
    pattern: "single",
  },
  {
    task: "Fill in the contact form on https://example.org/contact with my details and submit it",
    servers: ["puppeteer"],
    pattern: "single",
  },
  {
    task: "Tell me which tables in the Postgres database have no primary key",
    servers: ["postgres"],
    pattern: "single",
  },
  {
    task: "List the Python files in src/ that import requests",
    servers: ["filesystem"],
    pattern: "single",
  },
  {
    task: "Store the fact that the staging server moved to eu-west-1 in memory",
    servers: ["memory"],
    pattern: "single",
  },
  {
    task: "Think step by step through this scheduling puzzle and give me a valid timetable",
    servers: ["sequential-thinking"],
    pattern: "single",
  },
  {
    task: "Exercise the everything server's long-running operation tool and report the progress notifications",
    servers: ["everything"],
    pattern: "single",
  },
  {
    task: "Find recent blog posts about WebGPU on the web",
    servers: ["brave-search"],
    pattern: "single",
  },
  {
    task: "Explain the difference between TCP and UDP in two paragraphs",
    servers: [],
    pattern: "single",
  },
  // chain
  {
    task: "Pull the latest exchange rates from https://rates.example.com/today.json and write them into rates.csv in the exports folder",
    servers: ["fetch", "filesystem"],
    pattern: "chain",
  },
  {
    task: "Export the users table from Postgres to a CSV file in the backups directory",
    servers: ["postgres", "filesystem"],
    pattern: "chain",
  },
  {
    task: "Take the open bugs from our tracker repo on GitHub and record each one as an entity in the knowledge graph",
    servers: ["github", "memory"],
    pattern: "chain",
  },
  {
    task: "Look up today's top headlines online, then save a digest to news.md",
    servers: ["brave-search", "filesystem"],
    pattern: "chain",
  },
  {
    task: "Log in to the admin dashboard with the browser, download the monthly invoice and store it in the invoices folder",
    servers: ["puppeteer", "filesystem"],
    pattern: "chain",
  },
  {
    task: "Query inventory.db for items below the reorder level, then open a GitHub issue listing them",
    servers: ["sqlite", "github"],
    pattern: "chain",
  },
  {
    task: "Read the design notes from the Drive folder Specs and summarise them into summary.md locally",
    servers: ["google-drive", "filesystem"],
    pattern: "chain",
  },
  {
    task: "Fetch the changelog from https://example.com/changelog and post a summary as a comment on the latest release issue in our GitHub repo",
    servers: ["fetch", "github"],
    pattern: "chain",
  },
  // parallel
  {
    task: "Fetch the pricing pages of Stripe, Adyen and Mollie in parallel and compare their fees",
    servers: ["fetch"],
    pattern: "parallel",
  },
  {
    task: "Write three different taglines for our new coffee brand and merge them into a shortlist",
    servers: [],
    pattern: "parallel",
  },
  {
    task: "Summarise q1.pdf, q2.pdf and q3.pdf in the reports folder independently and combine the summaries",
    servers: ["filesystem"],
    pattern: "parallel",
  },
  {
    task: "Check the GitHub stars of react, vue and svelte at the same time",
    servers: ["github"],
    pattern: "parallel",
  },
  {
    task: "Run the same SQL question against the staging and production Postgres databases simultaneously and diff the results",
    servers: ["postgres"],
    pattern: "parallel",
  },
  {
    task: "Give me four alternative subject lines for this newsletter",
    servers: [],
    pattern: "parallel",
  },
  {
    task: "Search the web for each of these five libraries and collect their licence terms side by side",
    servers: ["brave-search"],
    pattern: "parallel",
  },
  // router
  {
    task: "Sort incoming support emails into billing, technical or sales and send each to the right team",
    servers: [],
    pattern: "router",
  },
  {
    task: "Triage each new GitHub issue as bug, feature request or question and pass it to the matching label workflow",
    servers: ["github"],
    pattern: "router",
  },
  {
    task: "Look at each invoice in the invoices folder and, depending on whether it is overdue, paid or disputed, forward it to collections, bookkeeping or the legal queue",
    servers: ["filesystem"],
    pattern: "router",
  },
  {
    task: "Classify every customer review as positive, neutral or negative and route the negative ones to the escalation handler",
    servers: [],
    pattern: "router",
  },
  // orchestrator
  {
    task: "Investigate why our signup conversion dropped last month using the analytics Postgres database and write up a plan to fix it",
    servers: ["postgres"],
    pattern: "orchestrator",
  },
  {
    task: "Research the market for open-source observability tools online and put together a comprehensive strategy report",
    servers: ["brave-search", "fetch"],
    pattern: "orchestrator",
  },
  {
    task: "Break down the migration of our monorepo from GitLab CI to GitHub Actions into workstreams and carry them out",
    servers: ["github"],
    pattern: "orchestrator",
  },
  {
    task: "Carry out a security review of all repositories in the acme GitHub org and produce a prioritised action plan",
    servers: ["github"],
    pattern: "orchestrator",
  },
  // evaluator-optimizer
  {
    task: "Draft a cover letter for this job post and keep refining it until a reviewer scores it 9 or higher",
    servers: [],
    pattern: "evaluator-optimizer",
  },
  {
    task: "Generate SQL for the monthly revenue report against the Postgres database and iterate until the query runs without errors and the numbers reconcile",
    servers: ["postgres"],
    pattern: "evaluator-optimizer",
  },
  {
    task: "Translate the README in the docs folder into German and have a critic revise it until the translation reads naturally",
    servers: ["filesystem"],
    pattern: "evaluator-optimizer",
  },
  // swarm
  {
    task: "A help desk bot where a receptionist passes callers to an IT specialist or an HR specialist",
    servers: [],
    pattern: "swarm",
  },
  {
    task: "Customer service assistant: a triage agent hands the conversation off to returns, shipping or billing agents, who can hand it back",
    servers: [],
    pattern: "swarm",
  },
  {
    task: "An onboarding chatbot that transfers new employees between a payroll agent, an IT setup agent and a benefits agent as their questions change",
    servers: [],
    pattern: "swarm",
  },
];

/**
 * A second batch, written after the rules were tuned on the dev set and the batch above and run
 * once as a hold-out before any further change (see the report in the autonomy tests).
 */
export const HELD_OUT_TASKS: LabelledTask[] = [
  {
    task: "Pull down the HTML of https://news.ycombinator.com and list the top ten story titles",
    servers: ["fetch"],
    pattern: "single",
  },
  {
    task: "How many markdown files are in the docs/ folder?",
    servers: ["filesystem"],
    pattern: "single",
  },
  {
    task: "Merge the dependabot PR in acme/api if its checks pass",
    servers: ["github"],
    pattern: "single",
  },
  {
    task: "Show the slowest queries recorded in pg_stat_statements on our Postgres server",
    servers: ["postgres"],
    pattern: "single",
  },
  {
    task: "Add a column 'archived' to the projects table in tracker.db",
    servers: ["sqlite"],
    pattern: "single",
  },
  {
    task: "Open example.com in a headless browser and check whether the cookie banner appears",
    servers: ["puppeteer"],
    pattern: "single",
  },
  {
    task: "What's the release date of the next Ubuntu LTS? Check online",
    servers: ["brave-search"],
    pattern: "single",
  },
  {
    task: "Read the Q2 OKR doc in Google Drive and summarise the key results",
    servers: ["google-drive"],
    pattern: "single",
  },
  {
    task: "Forget everything you stored about the old office address",
    servers: ["memory"],
    pattern: "single",
  },
  { task: "Write a limerick about a cat", servers: [], pattern: "single" },
  {
    task: "Check the SQLite database app.db for orphaned rows and delete them",
    servers: ["sqlite"],
    pattern: "single",
  },
  {
    task: "Download https://example.com/data.csv, clean it and save it as clean.csv in the data folder",
    servers: ["fetch", "filesystem"],
    pattern: "chain",
  },
  {
    task: "Take every row of customers.sqlite where the country is missing and look the company up online to fill it in",
    servers: ["sqlite", "brave-search"],
    pattern: "chain",
  },
  {
    task: "Read todo.txt and create one GitHub issue per line in acme/tasks",
    servers: ["filesystem", "github"],
    pattern: "chain",
  },
  {
    task: "Screenshot the homepage in a browser and then store the image in the screenshots directory",
    servers: ["puppeteer", "filesystem"],
    pattern: "chain",
  },
  {
    task: "Collect the titles of all open pull requests in acme/web and write them to prs.md",
    servers: ["github", "filesystem"],
    pattern: "chain",
  },
  {
    task: "Summarise each of the five PDFs in ./papers separately and then merge the summaries",
    servers: ["filesystem"],
    pattern: "parallel",
  },
  {
    task: "Ask three different personas to critique this landing page copy and combine their feedback",
    servers: [],
    pattern: "parallel",
  },
  {
    task: "Fetch the status pages of AWS, GCP and Azure at once and report which ones show incidents",
    servers: ["fetch"],
    pattern: "parallel",
  },
  {
    task: "Look up the population of Lisbon, Porto and Braga online in parallel",
    servers: ["brave-search"],
    pattern: "parallel",
  },
  {
    task: "For each incoming lead, decide whether it is enterprise, mid-market or self-serve and send it to the matching sales queue",
    servers: [],
    pattern: "router",
  },
  {
    task: "Route support requests to the right specialist team based on their topic: billing, outages or onboarding",
    servers: [],
    pattern: "router",
  },
  {
    task: "Label each GitHub pull request as docs, bugfix or feature and route it to the right reviewer group",
    servers: ["github"],
    pattern: "router",
  },
  {
    task: "Plan and execute a full accessibility audit of our marketing site in a real browser and write up the findings",
    servers: ["puppeteer"],
    pattern: "orchestrator",
  },
  {
    task: "Investigate the flaky tests in our GitHub repo, figure out their root causes and propose fixes",
    servers: ["github"],
    pattern: "orchestrator",
  },
  {
    task: "Write a tweet announcing our launch and rewrite it until the critic gives it at least 8 out of 10",
    servers: [],
    pattern: "evaluator-optimizer",
  },
  {
    task: "Draft an executive summary of report.md and keep improving it until the reviewer approves",
    servers: ["filesystem"],
    pattern: "evaluator-optimizer",
  },
  {
    task: "A shop assistant bot that hands shoppers over to a sizing expert or a returns expert when needed",
    servers: [],
    pattern: "swarm",
  },
  {
    task: "An IT helpdesk where a first-line agent escalates the user to a network specialist or a security specialist",
    servers: [],
    pattern: "swarm",
  },
  {
    task: "Come up with a plan to reduce our cloud costs by researching pricing online and checking the usage tables in the Postgres database",
    servers: ["brave-search", "postgres"],
    pattern: "orchestrator",
  },
];

import type { LabelledTask } from "./extra-tasks";

/**
 * Tasks written by reviewers who had not read the analyzer (three batches of 90, 80 and 80, each
 * asked for other domains and wordings than the dev set, and labelled by the conventions of
 * `../shared/data/autonomy-dev-tasks.jsonl`). The analyzer was tuned on the first two batches; the
 * third, scored after that, gave top-3 recall 0.989 and pattern accuracy 0.925 (0.977 and 0.80
 * before any of it); two rules then came from its misses (participles such as "labelled" are not
 * sorting, research written up is open-ended), giving 0.95. Keep the lines as they were written: a
 * rule that only helps one of them is fitted to it.
 */
export const BLIND_TASKS: { batch: 1 | 2 | 3; tasks: LabelledTask[] }[] = [
  {
    batch: 1,
    tasks: [
      {
        task: "In metrics.db, what was the average p95_latency_ms recorded yesterday?",
        servers: ["sqlite"],
        pattern: "single",
      },
      {
        task: "Hit https://api.coingecko.com/api/v3/ping and tell me whether it comes back healthy",
        servers: ["fetch"],
        pattern: "single",
      },
      {
        task: "How many open tickets tagged 'bug' are there in our monorepo acme/platform?",
        servers: ["github"],
        pattern: "single",
      },
      {
        task: "Which patients in the appointments table on the clinic's pg cluster missed more than two visits this quarter?",
        servers: ["postgres"],
        pattern: "single",
      },
      {
        task: "Spin up headless Chrome and grab a full-page screenshot of https://status.example.com",
        servers: ["puppeteer"],
        pattern: "single",
      },
      {
        task: "Can you look up online what the FDA's most recent guidance on AI-enabled medical devices says?",
        servers: ["brave-search"],
        pattern: "single",
      },
      {
        task: "List every spreadsheet sitting in the 'Finance Q3' folder of our Google Drive",
        servers: ["google-drive"],
        pattern: "single",
      },
      {
        task: "Please remember that Priya prefers Slack over email for anything urgent",
        servers: ["memory"],
        pattern: "single",
      },
      {
        task: "What do we have stored in the knowledge base about the Henderson account's renewal date?",
        servers: ["memory"],
        pattern: "single",
      },
      {
        task: "Rename every .jpeg under assets/images so it ends in .jpg instead",
        servers: ["filesystem"],
        pattern: "single",
      },
      {
        task: "Draft a warm but clear rejection email for a candidate who made it to our final interview round",
        servers: [],
        pattern: "single",
      },
      {
        task: "Rewrite this residential lease paragraph in plain Spanish a tenant could understand: 'The Lessee shall indemnify and hold harmless the Lessor from any and all claims arising from the Lessee's use of the Premises.'",
        servers: [],
        pattern: "single",
      },
      {
        task: "Call the echo tool on the MCP reference test server with the message 'ping' and show me what comes back",
        servers: ["everything"],
        pattern: "single",
      },
      {
        task: "Using a structured step-by-step thinking tool, reason through whether a four-person startup should split its monolith into microservices, revising earlier steps if needed",
        servers: ["sequential-thinking"],
        pattern: "single",
      },
      {
        task: "Which SKUs in shop.sqlite are below their reorder threshold right now?",
        servers: ["sqlite"],
        pattern: "single",
      },
      {
        task: "Add an archived_at timestamptz column to the orders table in our Postgres database",
        servers: ["postgres"],
        pattern: "single",
      },
      {
        task: "Pull down https://jsonplaceholder.typicode.com/todos/1 and tell me its title field",
        servers: ["fetch"],
        pattern: "single",
      },
      {
        task: "Is there any .env file in this project tree that .gitignore doesn't cover?",
        servers: ["filesystem"],
        pattern: "single",
      },
      {
        task: "Give me a five-bullet summary of the earnings call transcript saved at transcripts/q3_2024.txt",
        servers: ["filesystem"],
        pattern: "single",
      },
      {
        task: "Put the needs-review label on PR #482 in the payments-service repo",
        servers: ["github"],
        pattern: "single",
      },
      {
        task: "Find recent news coverage about when the EU AI Act's obligations start being enforced",
        servers: ["brave-search"],
        pattern: "single",
      },
      {
        task: "Load our React dashboard at http://localhost:3000 in a headless browser and tell me what the rendered h1 says",
        servers: ["puppeteer"],
        pattern: "single",
      },
      {
        task: "What indexes are defined on the invoices table in data/ledger.db?",
        servers: ["sqlite"],
        pattern: "single",
      },
      {
        task: "Open the 'Grading Rubric' Google Doc and tell me how many points the final project is worth",
        servers: ["google-drive"],
        pattern: "single",
      },
      {
        task: "Convert this MySQL query to PostgreSQL syntax: SELECT id, name FROM users ORDER BY created_at DESC LIMIT 10, 20",
        servers: [],
        pattern: "single",
      },
      {
        task: "Query the overdue invoices out of billing.sqlite and write them to reports/overdue.csv",
        servers: ["sqlite", "filesystem"],
        pattern: "chain",
      },
      {
        task: "Grab the OpenAPI spec from https://petstore3.swagger.io/api/v3/openapi.json, generate a typed TypeScript client from it, and save that as src/petstore-client.ts",
        servers: ["fetch", "filesystem"],
        pattern: "chain",
      },
      {
        task: "Read the 'Q2 Hiring Plan' sheet in Google Drive and insert each open role as a row in the positions table of hr.db",
        servers: ["google-drive", "sqlite"],
        pattern: "chain",
      },
      {
        task: "For every failing test listed in ci/failures.txt, open a ticket in the acme/api repo with the test name as the title",
        servers: ["filesystem", "github"],
        pattern: "chain",
      },
      {
        task: "Log into the demo admin panel at https://demo-admin.test with demo/demo, navigate to Reports, open the monthly export and read me the grand total",
        servers: ["puppeteer"],
        pattern: "chain",
      },
      {
        task: "Translate docs/README.md into French, then condense the French version to about 100 words and save it as docs/README.fr-summary.md",
        servers: ["filesystem"],
        pattern: "chain",
      },
      {
        task: "Search for Stripe's official webhook events reference page, fetch it, and save the list of event types into stripe_events.md",
        servers: ["brave-search", "fetch", "filesystem"],
        pattern: "chain",
      },
      {
        task: "Pull the commit history of the release/1.9 branch from our repo on GitHub, group the commits by conventional-commit type, and write the result to CHANGELOG.md locally",
        servers: ["github", "filesystem"],
        pattern: "chain",
      },
      {
        task: "Read the migration scripts in db/migrations in filename order and apply each one to the staging Postgres database",
        servers: ["filesystem", "postgres"],
        pattern: "chain",
      },
      {
        task: "Outline a blog post about zero-trust networking, then write the full draft from that outline, then write an SEO meta description from the draft",
        servers: [],
        pattern: "chain",
      },
      {
        task: "Scrape the book titles and prices from the first page of https://books.toscrape.com and load them into a prices table in scrape.db",
        servers: ["fetch", "sqlite"],
        pattern: "chain",
      },
      {
        task: "Recall everything the knowledge graph holds about the Acme Corp deal and turn it into a briefing saved at briefs/acme.md",
        servers: ["memory", "filesystem"],
        pattern: "chain",
      },
      {
        task: "Get today's EUR to USD rate from https://api.frankfurter.app/latest?from=EUR&to=USD and then update the fx_rate column for all EUR orders in the Postgres orders table",
        servers: ["fetch", "postgres"],
        pattern: "chain",
      },
      {
        task: "I need the key clauses pulled out of contracts/nda_acme.txt, then compared against contracts/standard_nda.txt, and finally a redline memo written to contracts/nda_acme_memo.md",
        servers: ["filesystem"],
        pattern: "chain",
      },
      {
        task: "Read the incident timeline from the Google Doc 'Outage 2024-05-12', draft a postmortem from it, and file that postmortem as an issue in the sre/postmortems repo",
        servers: ["google-drive", "github"],
        pattern: "chain",
      },
      {
        task: "Read each new issue in our support-desk repo and route it: billing problems to the finance handler, login trouble to the auth handler, everything else to general support",
        servers: ["github"],
        pattern: "router",
      },
      {
        task: "Detect the language of each incoming customer email and send it to the English, German or Japanese reply writer accordingly",
        servers: [],
        pattern: "router",
      },
      {
        task: "For each analyst question, decide whether it needs numbers from the Postgres warehouse (send it to the SQL agent) or is answered by the docs/ folder (send it to the docs agent)",
        servers: ["postgres", "filesystem"],
        pattern: "router",
      },
      {
        task: "Classify every inbound legal request as an NDA review, a trademark question or an employment matter and pass it to the specialist prompt for that category",
        servers: [],
        pattern: "router",
      },
      {
        task: "Send easy prompts to the cheap small model and hard ones to the big reasoning model, based on a quick difficulty classification",
        servers: [],
        pattern: "router",
      },
      {
        task: "Go through the pending rows of the player_reports table in game.db and dispatch each one to the cheating, harassment or bug-report handler depending on what it describes",
        servers: ["sqlite"],
        pattern: "router",
      },
      {
        task: "For each pending lab request in the lab_requests table of our Postgres LIMS, work out whether it belongs to hematology, microbiology or chemistry and dispatch it to that department's intake handler",
        servers: ["postgres"],
        pattern: "router",
      },
      {
        task: "If a user's question is about current events, hand it to a handler that searches the web; otherwise let the model answer from its own knowledge",
        servers: ["brave-search"],
        pattern: "router",
      },
      {
        task: "Sort the files dropped into inbox/ into invoices, receipts and contracts, and pass each to the extractor built for that document type",
        servers: ["filesystem"],
        pattern: "router",
      },
      {
        task: "User story: as a support lead, I want each chat transcript tagged as refund, technical or sales and forwarded to the matching specialist responder",
        servers: [],
        pattern: "router",
      },
      {
        task: "Hit the /healthz endpoints of https://auth.acme.dev, https://billing.acme.dev, https://search.acme.dev and https://notify.acme.dev all at once and give me one status table",
        servers: ["fetch"],
        pattern: "parallel",
      },
      {
        task: "Have three independent reviewers score this grant proposal out of 10, then average their scores",
        servers: [],
        pattern: "parallel",
      },
      {
        task: "Run four separate queries against the warehouse on our pg cluster concurrently (daily actives, churn, ARPU and new signups) and combine them into one KPI summary",
        servers: ["postgres"],
        pattern: "parallel",
      },
      {
        task: "Check acme.io, acme.dev and acme.ai simultaneously by requesting each homepage, and tell me which ones serve a live site",
        servers: ["fetch"],
        pattern: "parallel",
      },
      {
        task: "Search the web for expert reviews of three popular espresso machines in parallel, then merge what you find into a single buying guide",
        servers: ["brave-search"],
        pattern: "parallel",
      },
      {
        task: "From the product brief at briefs/launch.md, write the press release, the launch email and three social posts simultaneously, then bundle them together",
        servers: ["filesystem"],
        pattern: "parallel",
      },
      {
        task: "At the same time, count open issues in the acme/web, acme/api and acme/mobile repos and the rows in the bugs table of qa.sqlite, then put it all in one report",
        servers: ["github", "sqlite"],
        pattern: "parallel",
      },
      {
        task: "Render our homepage in headless Chrome at mobile, tablet and desktop widths concurrently and compile the screenshots into one review",
        servers: ["puppeteer"],
        pattern: "parallel",
      },
      {
        task: "Run three independent checks over src/ at once (hard-coded secrets, missing license headers, TODO counts) and merge them into one findings list",
        servers: ["filesystem"],
        pattern: "parallel",
      },
      {
        task: "Find and fetch the latest quarterly earnings press releases for Apple, Microsoft and Alphabet concurrently, then compare their revenue growth",
        servers: ["brave-search", "fetch"],
        pattern: "parallel",
      },
      {
        task: "Ask three differently-worded moderation prompts whether this forum post breaks our rules, and flag it only if at least two say yes",
        servers: [],
        pattern: "parallel",
      },
      {
        task: "Read the 'EMEA Forecast', 'APAC Forecast' and 'Americas Forecast' docs on Google Drive in parallel and roll them up into one global forecast",
        servers: ["google-drive"],
        pattern: "parallel",
      },
      {
        task: "Our nightly ETL got twice as slow last week. Dig into the recent commits in the etl repo on GitHub, the job logs under logs/etl/, and the Postgres query statistics, then write up the root cause",
        servers: ["github", "filesystem", "postgres"],
        pattern: "orchestrator",
      },
      {
        task: "Research where CRISPR-based therapies stand in clinical trials today and write a literature-style overview with sources",
        servers: ["brave-search", "fetch"],
        pattern: "orchestrator",
      },
      {
        task: "Do a security review of the code in ./service: decide which areas deserve a look, inspect each, and produce a prioritised list of findings",
        servers: ["filesystem"],
        pattern: "orchestrator",
      },
      {
        task: "We're thinking of acquiring a startup called Nimbus Labs. Put together a due-diligence memo: decide what to investigate (team, funding, product, legal issues), research each on the web, and synthesise it",
        servers: ["brave-search", "fetch"],
        pattern: "orchestrator",
      },
      {
        task: "Audit data quality across every table in the warehouse on our pg cluster: choose sensible checks for each table, run them, and summarise what's broken",
        servers: ["postgres"],
        pattern: "orchestrator",
      },
      {
        task: "Plan the move of the acme/docs repo from Jekyll to Docusaurus: inventory the content in the repo, work out what needs converting, and break the work into issues",
        servers: ["github"],
        pattern: "orchestrator",
      },
      {
        task: "Checkout conversions fell 20% last week. Figure out why using the order data in sales.db, walking through the live checkout in a real browser, and searching online for any payment-provider outages, then report back",
        servers: ["sqlite", "puppeteer", "brave-search"],
        pattern: "orchestrator",
      },
      {
        task: "Write a complete technical design doc for a distributed rate limiter: decide which sections it needs, draft each one, and stitch them into a coherent document",
        servers: [],
        pattern: "orchestrator",
      },
      {
        task: "Design a 10-week intro to data science course: decide the units, create lesson plans and assignments for each, and write the whole syllabus into the course/ folder",
        servers: ["filesystem"],
        pattern: "orchestrator",
      },
      {
        task: "Review all contracts in the Legal folder on our Google Drive for auto-renewal and liability terms, decide which ones need a lawyer's eyes, and give me a summary",
        servers: ["google-drive"],
        pattern: "orchestrator",
      },
      {
        task: "Write a query for monthly churn against subscriptions.db, run it, compare January's result with the known 4.2%, and keep fixing the query until it matches",
        servers: ["sqlite"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Draft ad copy for our new trail running shoe and keep iterating until it's under 90 characters and a critic rates it at least 8/10",
        servers: [],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Starting from templates/discharge.md, produce a patient discharge summary template, have a clinical reviewer critique it for missing safety info, and revise until it's approved",
        servers: ["filesystem"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Adjust styles/main.css, re-render the page in a headless browser after each change, and repeat until the layout matches the mockup",
        servers: ["filesystem", "puppeteer"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Translate locales/en.json into German, back-translate each string to check fidelity, refine until every string round-trips correctly, and save the result to locales/de.json",
        servers: ["filesystem"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Write a cover letter for the job posting at https://jobs.example.com/postings/123, grade it against the posting's listed requirements, and rewrite until it addresses all of them",
        servers: ["fetch"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Compose a limerick about database indexes and rewrite it until a strict critic says the meter is flawless",
        servers: [],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Draft a README for the acme/cli repo from its source, have a critic check it for missing install and usage sections, revise until it's complete, then commit it to the repo",
        servers: ["github"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Rewrite the slow monthly revenue report query, EXPLAIN ANALYZE it on the Postgres reporting db, and keep iterating until it runs in under 200 ms",
        servers: ["postgres"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Write exam questions from the 'Biology Ch4 Notes' Google Doc, have a reviewer confirm each one is answerable from the notes, and revise until all of them pass",
        servers: ["google-drive"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "An online-store support chat where a front-desk agent passes the shopper to a returns agent, an order-tracking agent or a product-advice agent as the conversation shifts",
        servers: [],
        pattern: "swarm",
      },
      {
        task: "A hospital phone-line assistant: a triage agent talks with the caller and transfers them to scheduling, billing or a nurse-advice agent",
        servers: [],
        pattern: "swarm",
      },
      {
        task: "An HR helpdesk chat where a concierge hands employees to a benefits expert who answers from the benefits handbook on Google Drive, or to a payroll expert",
        servers: ["google-drive"],
        pattern: "swarm",
      },
      {
        task: "A game support chat where the greeter passes players to an account-recovery agent that looks them up in players.db or to a purchases agent, and either can hand the player back",
        servers: ["sqlite"],
        pattern: "swarm",
      },
      {
        task: "A homework tutor made of several agents: a general helper that hands the student off mid-conversation to a math specialist, a writing coach or a science specialist",
        servers: [],
        pattern: "swarm",
      },
      {
        task: "An IT support chat where a first-line agent hands users either to a specialist who checks their open issues in our GitHub repo or to one who looks up their account in the Postgres users table",
        servers: ["github", "postgres"],
        pattern: "swarm",
      },
      {
        task: "A legal intake assistant that chats with a prospective client and transfers them to an immigration, family-law or tenancy specialist agent",
        servers: [],
        pattern: "swarm",
      },
      {
        task: "Real-estate chat: the receptionist agent passes buyers to a listings agent that queries listings.sqlite and renters to a separate rentals agent",
        servers: ["sqlite"],
        pattern: "swarm",
      },
    ],
  },
  {
    batch: 2,
    tasks: [
      {
        task: "Write a cover letter for a data analyst job and keep revising it until a reviewer confirms it is under 250 words and mentions SQL experience",
        servers: [],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Fetch https://httpbin.org/ip and tell me which IP address it reports",
        servers: ["fetch"],
        pattern: "single",
      },
      {
        task: "Route each data request: sales figures go to the agent that queries sales.sqlite, questions about planning documents go to the agent that searches Google Drive",
        servers: ["sqlite", "google-drive"],
        pattern: "router",
      },
      {
        task: "Build a daily_totals table in metrics.db from the raw events table, then delete the raw events older than one year",
        servers: ["sqlite"],
        pattern: "chain",
      },
      {
        task: "A developer-support chat where a greeter hands users to a schema agent that answers questions about inventory.sqlite or to a general coding agent",
        servers: ["sqlite"],
        pattern: "swarm",
      },
      {
        task: "Investigate the March sales drop using the orders in sales.sqlite and the marketing notes in Google Drive, and explain what happened",
        servers: ["sqlite", "google-drive"],
        pattern: "orchestrator",
      },
      {
        task: "Fork the upstream parser repo on GitHub, create a branch called fix-unicode on the fork and open a draft pull request from it",
        servers: ["github"],
        pattern: "chain",
      },
      {
        task: "Look at each file dropped into the inbox folder, decide whether it's an invoice, a receipt or a contract, and hand it to the matching extraction agent",
        servers: ["filesystem"],
        pattern: "router",
      },
      {
        task: "Who are the top three contributors by commit count to the payments-service repository on GitHub?",
        servers: ["github"],
        pattern: "single",
      },
      {
        task: "Have three agents independently search the web for the population of Lagos and go with the figure most of them agree on",
        servers: ["brave-search"],
        pattern: "parallel",
      },
      {
        task: "Collect every TODO comment in the src folder and open one GitHub issue per TODO in the backend repository",
        servers: ["filesystem", "github"],
        pattern: "chain",
      },
      {
        task: "Review the whole docs folder for outdated instructions, broken internal links and missing pages, and produce a prioritized fix list",
        servers: ["filesystem"],
        pattern: "orchestrator",
      },
      {
        task: "Fetch the 2025 German public holidays from https://date.nager.at/api/v3/PublicHolidays/2025/DE and store them in memory for future scheduling questions",
        servers: ["fetch", "memory"],
        pattern: "chain",
      },
      {
        task: "Exercise every tool, prompt and resource the everything reference server exposes and write a compatibility report on which ones our client handles correctly",
        servers: ["everything"],
        pattern: "orchestrator",
      },
      {
        task: "A restaurant booking assistant where a host agent passes the guest to a reservations agent, a menu and allergy agent or a private events agent",
        servers: [],
        pattern: "swarm",
      },
      {
        task: "Triage new issues in the frontend GitHub repo: bugs go to the bug-fix agent, feature requests to the product agent and questions to the docs agent",
        servers: ["github"],
        pattern: "router",
      },
      {
        task: "Call the add tool on the everything MCP server with 17 and 25",
        servers: ["everything"],
        pattern: "single",
      },
      {
        task: "Write a sourced summary on solid-state batteries, have a fact-checker verify every claim online, and revise until each claim is supported",
        servers: ["brave-search", "fetch"],
        pattern: "evaluator-optimizer",
      },
      { task: "Translate this paragraph into Spanish", servers: [], pattern: "single" },
      {
        task: "Use the echo tool on the everything reference server to send back the text ping",
        servers: ["everything"],
        pattern: "single",
      },
      {
        task: "Open the latest meeting transcript in Google Drive, pull out the action items and save each one as a fact in memory",
        servers: ["google-drive", "memory"],
        pattern: "chain",
      },
      {
        task: "List the indexes defined on the orders table in shop.db",
        servers: ["sqlite"],
        pattern: "single",
      },
      {
        task: "Read package.json and tell me which version of React the project depends on",
        servers: ["filesystem"],
        pattern: "single",
      },
      {
        task: "Copy the text of the Project Brief doc in Google Drive into the README.md of our new-site repository on GitHub",
        servers: ["google-drive", "github"],
        pattern: "chain",
      },
      {
        task: "Take screenshots of our landing page at mobile, tablet and desktop widths in parallel and show them side by side",
        servers: ["puppeteer"],
        pattern: "parallel",
      },
      {
        task: "How many Markdown files are there under the docs folder?",
        servers: ["filesystem"],
        pattern: "single",
      },
      {
        task: "For each URL I give you, decide whether it's a static page that can simply be fetched or a JavaScript-heavy app that needs a real browser, and handle it with the matching tool",
        servers: ["fetch", "puppeteer"],
        pattern: "router",
      },
      {
        task: "Fetch the homepages of react.dev, vuejs.org and svelte.dev at the same time and compare how each framework describes itself",
        servers: ["fetch"],
        pattern: "parallel",
      },
      {
        task: "Query the Postgres database for users who signed up yesterday and write them to exports/signups.csv",
        servers: ["postgres", "filesystem"],
        pattern: "chain",
      },
      {
        task: "Drop the temp_imports table from the warehouse Postgres database",
        servers: ["postgres"],
        pattern: "single",
      },
      {
        task: "Run a security review, a performance review and a style review of this code snippet independently and combine the findings",
        servers: [],
        pattern: "parallel",
      },
      {
        task: "Fetch the JSON at https://api.frankfurter.app/latest?from=USD and insert today's EUR and GBP rates into the rates table of fx.sqlite",
        servers: ["fetch", "sqlite"],
        pattern: "chain",
      },
      {
        task: "Solve this logic puzzle with the sequential-thinking tool, have a checker test the solution against every clue, and retry until it is valid",
        servers: ["sequential-thinking"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "A shop support assistant whose front-desk agent hands the customer to an order-tracking agent that looks orders up in Postgres or to a returns agent",
        servers: ["postgres"],
        pattern: "swarm",
      },
      {
        task: "Translate docs/guide.md into German, have a second agent check it for accuracy and fluency, and revise until it approves, then save it as docs/guide.de.md",
        servers: ["filesystem"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Decide for each user message whether it's a fact to remember, a question about something remembered, or small talk, and send it to the store, recall or chat handler",
        servers: ["memory"],
        pattern: "router",
      },
      {
        task: "A personal assistant chat where a concierge agent hands off to a notes agent that remembers things in memory or to a research agent that searches the web",
        servers: ["memory", "brave-search"],
        pattern: "swarm",
      },
      {
        task: "An internal IT helper where a greeter transfers employees to a repository-access agent for GitHub requests or to a policies agent that answers from the handbook in Google Drive",
        servers: ["github", "google-drive"],
        pattern: "swarm",
      },
      {
        task: "Investigate why our nightly build started failing last week by going through recent commits, workflow runs and open issues in the GitHub repo, and report the likely cause",
        servers: ["github"],
        pattern: "orchestrator",
      },
      {
        task: "Pull last week's rows from the errors table in Postgres, group them by error type and write the summary into the weekly_reports table",
        servers: ["postgres"],
        pattern: "chain",
      },
      {
        task: "A university help desk chatbot that hands students off to admissions, financial aid or housing specialists as the conversation requires",
        servers: [],
        pattern: "swarm",
      },
      {
        task: "Draft an outline for a blog post about remote work, expand the outline into the full post, then write a tweet announcing it",
        servers: [],
        pattern: "chain",
      },
      {
        task: "Open https://app.example.org/login in a browser, submit the form empty and tell me whether an error message appears",
        servers: ["puppeteer"],
        pattern: "single",
      },
      {
        task: "Draft release notes from the merged pull requests in our GitHub repo, get them reviewed for clarity and completeness, and revise until approved",
        servers: ["github"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Do an accessibility audit of our website: visit the main pages in a browser, check contrast, alt text and keyboard navigation, and write up the problems found",
        servers: ["puppeteer"],
        pattern: "orchestrator",
      },
      {
        task: "Rename every .jpeg file in the photos directory so it ends in .jpg instead",
        servers: ["filesystem"],
        pattern: "single",
      },
      {
        task: "Write a query for monthly revenue by region against the warehouse Postgres database, run it, and refine it until the results reconcile with the yearly totals",
        servers: ["postgres"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Search the web for reviews of the Framework Laptop, the Dell XPS 13 and the MacBook Air in parallel and summarize the consensus on each",
        servers: ["brave-search"],
        pattern: "parallel",
      },
      {
        task: "Take the Price List spreadsheet from Google Drive and upsert its rows into the products table in Postgres",
        servers: ["google-drive", "postgres"],
        pattern: "chain",
      },
      {
        task: "Audit the production Postgres database for missing indexes, unused tables and columns without constraints, and propose fixes",
        servers: ["postgres"],
        pattern: "orchestrator",
      },
      {
        task: "Research the current state of WebAssembly outside the browser and write a report with sources",
        servers: ["brave-search", "fetch"],
        pattern: "orchestrator",
      },
      {
        task: "Draft a plan for migrating our monolith to microservices: break it into workstreams, estimate each one and put them in order",
        servers: [],
        pattern: "orchestrator",
      },
      {
        task: "For each question an analyst asks, decide whether it can be answered from our Postgres sales database or needs a web search, and send it to the matching agent",
        servers: ["postgres", "brave-search"],
        pattern: "router",
      },
      {
        task: "Summarize logs/app, logs/db and logs/worker separately at the same time and merge the summaries into one status report",
        servers: ["filesystem"],
        pattern: "parallel",
      },
      {
        task: "Detect the language of each product review and pass it to the agent that handles that language",
        servers: [],
        pattern: "router",
      },
      {
        task: "Use the sequential-thinking tool to work out how many ways a 2x8 board can be tiled with dominoes",
        servers: ["sequential-thinking"],
        pattern: "single",
      },
      {
        task: "Write a SQL query for library.sqlite that lists overdue loans, have a reviewer check the output against the lending rules, and fix the query until it passes",
        servers: ["sqlite"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Sort each incoming support ticket into billing, technical or account access and pass it to that team's agent",
        servers: [],
        pattern: "router",
      },
      {
        task: "Read the three quarterly reports in the Finance folder on Google Drive concurrently and produce one combined summary",
        servers: ["google-drive"],
        pattern: "parallel",
      },
      {
        task: "Add the label needs-triage to every open issue in the mobile-app repo that currently has no labels",
        servers: ["github"],
        pattern: "single",
      },
      {
        task: "Redesign the hero section in site/index.html, render it in a browser, critique the screenshot against our style guide and iterate until it matches",
        servers: ["puppeteer", "filesystem"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Summarize this research paper, then turn the summary into five quiz questions with answers",
        servers: [],
        pattern: "chain",
      },
      {
        task: "Show me the ten slowest queries recorded in pg_stat_statements on our analytics Postgres database",
        servers: ["postgres"],
        pattern: "single",
      },
      {
        task: "Search the web for the official Terraform installation guide, open that page and give me the steps for Ubuntu",
        servers: ["brave-search", "fetch"],
        pattern: "chain",
      },
      {
        task: "Find the Q3 Budget spreadsheet in Google Drive and tell me the total in the Marketing row",
        servers: ["google-drive"],
        pattern: "single",
      },
      {
        task: "Classify the sentiment of this customer message in five independent runs and take the majority vote",
        servers: [],
        pattern: "parallel",
      },
      {
        task: "Solve this scheduling puzzle three independent times with the sequential-thinking tool and keep the answer that comes up most often",
        servers: ["sequential-thinking"],
        pattern: "parallel",
      },
      {
        task: "Write a regular expression that matches UK postcodes",
        servers: [],
        pattern: "single",
      },
      {
        task: "What is the average order value per country in sales.sqlite?",
        servers: ["sqlite"],
        pattern: "single",
      },
      {
        task: "In a browser, log into the demo admin panel at https://demo.example.com/admin, go to Settings, switch the theme to dark and check the change is still there after a reload",
        servers: ["puppeteer"],
        pattern: "chain",
      },
      {
        task: "Find out everything we know about customer Acme Corp from the CRM Postgres database, the account notes in Google Drive and what's stored in memory, then write a one-page account brief",
        servers: ["postgres", "google-drive", "memory"],
        pattern: "orchestrator",
      },
      {
        task: "Take a screenshot of https://status.example.com as it renders in a browser",
        servers: ["puppeteer"],
        pattern: "single",
      },
      {
        task: "Get the open issue counts for our five service repositories on GitHub simultaneously and put them in one table",
        servers: ["github"],
        pattern: "parallel",
      },
      {
        task: "Summarize this email thread in three bullet points",
        servers: [],
        pattern: "single",
      },
      {
        task: "Write unit tests for utils/date.py, have a reviewer look for missing edge cases, and keep adding tests until the reviewer is satisfied",
        servers: ["filesystem"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "What have you got stored in memory about Dana's preferred meeting times?",
        servers: ["memory"],
        pattern: "single",
      },
      {
        task: "Search the web for the release date of Python 3.13",
        servers: ["brave-search"],
        pattern: "single",
      },
      {
        task: "At the same time, count the rows in every table of analytics.db and every table of the Postgres warehouse, then show both lists together",
        servers: ["sqlite", "postgres"],
        pattern: "parallel",
      },
      {
        task: "Remember that our staging database now lives on host db-stg-02",
        servers: ["memory"],
        pattern: "single",
      },
      {
        task: "Send easy user questions to a small cheap model and hard ones to a large model, based on a quick difficulty check",
        servers: [],
        pattern: "router",
      },
    ],
  },
  {
    batch: 3,
    tasks: [
      {
        task: "Grab https://api.open-meteo.com/v1/forecast?latitude=38.72&longitude=-9.14&current_weather=true and tell me the current temperature in Lisbon",
        servers: ["fetch"],
        pattern: "single",
      },
      {
        task: "How many .tsv files are in assays/raw?",
        servers: ["filesystem"],
        pattern: "single",
      },
      {
        task: "Which open issues in the ops-dashboard repo are labelled bug and have nobody assigned?",
        servers: ["github"],
        pattern: "single",
      },
      {
        task: "What was the total ticket revenue per home match in stadium.sqlite for the 2023 season?",
        servers: ["sqlite"],
        pattern: "single",
      },
      {
        task: "Take a full-page screenshot of https://example.org in a headless browser",
        servers: ["puppeteer"],
        pattern: "single",
      },
      {
        task: "List all the indexes on the shipments table in our Postgres warehouse",
        servers: ["postgres"],
        pattern: "single",
      },
      {
        task: "Search the web for the latest FDA guidance on biosimilar interchangeability",
        servers: ["brave-search"],
        pattern: "single",
      },
      {
        task: "Find the Q3 donor pledges spreadsheet in Google Drive and tell me the total pledged",
        servers: ["google-drive"],
        pattern: "single",
      },
      {
        task: "Remember that the Lisbon office wants all vendor invoices in EUR",
        servers: ["memory"],
        pattern: "single",
      },
      {
        task: "What do you have stored in memory about the Henderson Street listing?",
        servers: ["memory"],
        pattern: "single",
      },
      {
        task: "Call the echo tool on the everything server with the message ping",
        servers: ["everything"],
        pattern: "single",
      },
      {
        task: "Use the sequential thinking tool to work out how many trucks we need per day if each truck carries 18 pallets and we ship 1,240 pallets a week over 5 working days",
        servers: ["sequential-thinking"],
        pattern: "single",
      },
      { task: "Translate this press release into Spanish", servers: [], pattern: "single" },
      {
        task: "Rename every IMG_*.jpg in photos/2024 to listing-<number>.jpg",
        servers: ["filesystem"],
        pattern: "single",
      },
      {
        task: "Write a two-sentence bio for our new volunteer coordinator, Maya Ortiz",
        servers: [],
        pattern: "single",
      },
      {
        task: "Add the good first issue label to issue #412 in the parser repo",
        servers: ["github"],
        pattern: "single",
      },
      {
        task: "How many rows in the leads table of the Postgres CRM have no phone number?",
        servers: ["postgres"],
        pattern: "single",
      },
      {
        task: "Search the web for whether Canadian citizens need a visa to visit Vietnam",
        servers: ["brave-search"],
        pattern: "single",
      },
      {
        task: "Open the county permit portal in a browser, type parcel 0412-77 into the search form and tell me the permit status it shows",
        servers: ["puppeteer"],
        pattern: "single",
      },
      {
        task: "Summarize this grant agreement in five bullet points",
        servers: [],
        pattern: "single",
      },
      {
        task: "Read README.md in the workspace and list every command-line flag it mentions",
        servers: ["filesystem"],
        pattern: "single",
      },
      {
        task: "List the tools, prompts and resources that the everything test server exposes",
        servers: ["everything"],
        pattern: "single",
      },
      {
        task: "Pull the latest exchange rates from https://api.frankfurter.app/latest and save them to rates.json",
        servers: ["fetch", "filesystem"],
        pattern: "chain",
      },
      {
        task: "Export the overdue shipments from logistics.sqlite to a CSV in reports/",
        servers: ["sqlite", "filesystem"],
        pattern: "chain",
      },
      {
        task: "Read the bug reports in triage/incoming.md and open a GitHub issue in the mobile-app repo for each one",
        servers: ["filesystem", "github"],
        pattern: "chain",
      },
      {
        task: "Scrape the order table shown on the staging admin page in a browser and insert the rows into the orders table in Postgres",
        servers: ["puppeteer", "postgres"],
        pattern: "chain",
      },
      {
        task: "Take the player stats sheet from Google Drive and insert each row into the players table of league.sqlite",
        servers: ["google-drive", "sqlite"],
        pattern: "chain",
      },
      {
        task: "Extract the action items from this meeting transcript, then turn them into a formatted email to the board",
        servers: [],
        pattern: "chain",
      },
      {
        task: "Search the web for the current EU de minimis customs threshold and save it to memory",
        servers: ["brave-search", "memory"],
        pattern: "chain",
      },
      {
        task: "Download the gene annotation CSV from https://example.org/data/annotations.csv and import it into a new genes table in Postgres",
        servers: ["fetch", "postgres"],
        pattern: "chain",
      },
      {
        task: "Walk through the signup flow of our property listings site in a browser, screenshot every step and save the images to qa/screens/",
        servers: ["puppeteer", "filesystem"],
        pattern: "chain",
      },
      {
        task: "Get the list of open issues in the sprint-24 milestone of the website repo, summarize them and write the summary to sprint-review.md",
        servers: ["github", "filesystem"],
        pattern: "chain",
      },
      {
        task: "Create a branch in the sdk repo, commit the updated LICENSE file to it and open a pull request",
        servers: ["github"],
        pattern: "chain",
      },
      {
        task: "In donors.sqlite, first remove duplicate contacts, then normalise all phone numbers to E.164, then tell me how many contacts are left",
        servers: ["sqlite"],
        pattern: "chain",
      },
      {
        task: "Read the release notes in the Drive folder Releases, condense them into one paragraph, then rewrite that as a customer-facing email",
        servers: ["google-drive"],
        pattern: "chain",
      },
      {
        task: "Pull last month's new memberships from the Postgres gym database, compute retention by signup cohort, and insert the results into the cohort_retention table",
        servers: ["postgres"],
        pattern: "chain",
      },
      {
        task: "For each shipment exception, decide whether it is a customs hold, an address problem or damaged goods, and send it to the matching resolution handler",
        servers: [],
        pattern: "router",
      },
      {
        task: "Route each citizen enquiry to the housing, parking or waste-collection handler depending on what it is about",
        servers: [],
        pattern: "router",
      },
      {
        task: "Triage new issues in the sdk repo on GitHub: send bugs to the bug-triage agent, feature requests to the product agent and usage questions to the docs agent",
        servers: ["github"],
        pattern: "router",
      },
      {
        task: "Look at each file dropped into inbox/ and send PDFs to the invoice parser, CSVs to the data importer and images to the photo tagger",
        servers: ["filesystem"],
        pattern: "router",
      },
      {
        task: "Go through the support emails saved in mail/ and route each one to the refund, shipping or product-question handler",
        servers: ["filesystem"],
        pattern: "router",
      },
      {
        task: "For each analyst question, decide whether it can be answered from our Postgres sales database or needs a web search, and send it to that handler",
        servers: ["postgres", "brave-search"],
        pattern: "router",
      },
      {
        task: "Route staff questions at the warehouse: stock-level questions go to the handler that queries inventory.sqlite, HR policy questions go to the handler that reads the handbook in Google Drive",
        servers: ["sqlite", "google-drive"],
        pattern: "router",
      },
      {
        task: "Classify each URL in this list as a news article, a product page or a PDF and pass it to the matching extractor, which downloads and parses it",
        servers: ["fetch"],
        pattern: "router",
      },
      {
        task: "For each new pull request in the monorepo on GitHub, route it to the frontend, backend or docs reviewer agent based on which paths it touches",
        servers: ["github"],
        pattern: "router",
      },
      {
        task: "Fetch the pricing pages of Shopify, BigCommerce and Wix at the same time and put them in one comparison table",
        servers: ["fetch"],
        pattern: "parallel",
      },
      {
        task: "Review PR #88 in the payments-api repo for security, performance and readability simultaneously, then combine the findings into one review",
        servers: ["github"],
        pattern: "parallel",
      },
      {
        task: "Have three independent graders score this scholarship essay and average their scores",
        servers: [],
        pattern: "parallel",
      },
      {
        task: "Check five airline websites in a browser at the same time for the cheapest Lisbon to New York fare on May 12",
        servers: ["puppeteer"],
        pattern: "parallel",
      },
      {
        task: "Search the news for Allbirds, On and Hoka at the same time and merge the results into one competitor briefing",
        servers: ["brave-search"],
        pattern: "parallel",
      },
      {
        task: "Query last month's sales from the Postgres orders database and current stock from stock.sqlite at the same time, then combine them into a reorder report",
        servers: ["postgres", "sqlite"],
        pattern: "parallel",
      },
      {
        task: "Summarize each of the 20 papers in papers/ independently, then combine the summaries into one literature overview",
        servers: ["filesystem"],
        pattern: "parallel",
      },
      {
        task: "Hit the DHL, FedEx and UPS rate-quote endpoints concurrently for a 5 kg parcel from Berlin to Chicago and tell me which is cheapest",
        servers: ["fetch"],
        pattern: "parallel",
      },
      {
        task: "Pull this week's match reports from the Drive folder Match Reports and the league table from https://example-league.org/standings at the same time, and combine them into the club newsletter",
        servers: ["google-drive", "fetch"],
        pattern: "parallel",
      },
      {
        task: "Search the web and our GitHub issues simultaneously for reports of the ECONNRESET on upload error and combine what you find",
        servers: ["brave-search", "github"],
        pattern: "parallel",
      },
      {
        task: "Summarize each of the five sheets in the Drive folder Regional Sales independently and combine them into one national summary",
        servers: ["google-drive"],
        pattern: "parallel",
      },
      {
        task: "Our nightly ETL jobs have been much slower since Monday. Investigate: dig through the logs directory, the recent commits in the etl repo on GitHub and the query statistics in Postgres, work out the root cause and write it up with a fix",
        servers: ["filesystem", "github", "postgres"],
        pattern: "orchestrator",
      },
      {
        task: "Research the European market for plant-based pet food: search for sources, read the key reports and write a report covering market size, main players and trends",
        servers: ["brave-search", "fetch"],
        pattern: "orchestrator",
      },
      {
        task: "Plan a 10-day team offsite in Japan for 25 people: work out what needs deciding (venue, flights, activities, budget), use web search to find options for each, and give me a full itinerary with costs",
        servers: ["brave-search"],
        pattern: "orchestrator",
      },
      {
        task: "Audit our Postgres database for security problems such as superuser roles, tables without primary keys and missing row-level security, and produce a prioritised fix list",
        servers: ["postgres"],
        pattern: "orchestrator",
      },
      {
        task: "Do a full accessibility audit of our nonprofit's website in a browser: crawl the pages, check contrast, alt text and keyboard navigation, and write a prioritised report",
        servers: ["puppeteer"],
        pattern: "orchestrator",
      },
      {
        task: "Prepare a due-diligence pack on 1200 Harbor St: pull the documents from the Drive deal folder, look up zoning rules and recent comparable sales with web search, and summarise the risks",
        servers: ["google-drive", "brave-search"],
        pattern: "orchestrator",
      },
      {
        task: "Plan the migration of the monolith in our core-api GitHub repo to microservices: analyse the code structure, split the work into workstreams and compile a phased plan",
        servers: ["github"],
        pattern: "orchestrator",
      },
      {
        task: "Figure out why outside contributions to our open-source library dropped off this year by looking at issues, PR review times and release cadence on GitHub, and recommend changes",
        servers: ["github"],
        pattern: "orchestrator",
      },
      {
        task: "Investigate why the shipment counts in ops.sqlite don't match the carrier invoices in invoices/, and write up what is causing the discrepancy",
        servers: ["sqlite", "filesystem"],
        pattern: "orchestrator",
      },
      {
        task: "Write a cover letter for a sports marketing role and keep refining it until a reviewer scores it at least 9/10",
        servers: [],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Write a SQL query for monthly churn by plan against the Postgres billing database, run it, check the numbers are plausible, and fix the query until they are",
        servers: ["postgres"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Draft a listing description for 14 Elm St from listings/elm/notes.txt and revise it until a critic confirms it is under 150 words and mentions every feature in the notes",
        servers: ["filesystem"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Write a parser for the log files in logs/, run a checker on its output and keep revising the parser until there are no parse errors",
        servers: ["filesystem"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Translate the volunteer handbook in our Google Drive into Spanish, have a reviewer back-translate it and flag errors, and repeat until no meaning is lost",
        servers: ["google-drive"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Edit the hero section in site/index.html, render it in a browser, critique the screenshot against our design guidelines, and keep revising the HTML until it passes",
        servers: ["filesystem", "puppeteer"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Write release notes for v4.1 from the merged PRs in the GitHub repo and have a reviewer check them against the actual changes, revising until nothing is missing",
        servers: ["github"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Use sequential thinking to plan a delivery route through these 8 stops, have a checker verify the total distance and that stop 3 is reached before noon, and revise the route until it passes",
        servers: ["sequential-thinking"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "Write an explainer on the city's new parking rules: find sources with web search, draft it, have a checker verify every claim against the fetched sources, and revise until all claims are supported",
        servers: ["brave-search", "fetch"],
        pattern: "evaluator-optimizer",
      },
      {
        task: "A customer-service bot for our airline where a front-desk agent hands travellers off to baggage, rebooking or loyalty-points specialists",
        servers: [],
        pattern: "swarm",
      },
      {
        task: "A real-estate chat assistant that passes buyers to a mortgage agent and sellers to a home-valuation agent",
        servers: [],
        pattern: "swarm",
      },
      {
        task: "A shop chat where the greeter transfers shoppers to returns, order-tracking or product-advice agents as the conversation moves on",
        servers: [],
        pattern: "swarm",
      },
      {
        task: "An IT helpdesk assistant that hands employees off to a password-reset agent, a hardware agent or an access-request agent",
        servers: [],
        pattern: "swarm",
      },
      {
        task: "Fans chatting with our football club's assistant should be handed to a ticketing, merchandise or membership agent depending on what they need",
        servers: [],
        pattern: "swarm",
      },
      {
        task: "A patient intake chatbot for our clinic that transfers the conversation to a scheduling agent, a billing agent or a nurse-triage agent",
        servers: [],
        pattern: "swarm",
      },
    ],
  },
];

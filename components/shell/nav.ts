import {
  Activity,
  AlertTriangle,
  BarChart3,
  Brain,
  Shield,
  Store,
  Workflow,
  type LucideIcon,
} from "lucide-react";

export interface NavItem {
  href: string;
  label: string;
  icon: LucideIcon;
  /** Shown as the page's description. */
  description: string;
}

export const NAV_ITEMS: NavItem[] = [
  {
    href: "/workflows",
    label: "Workflows",
    icon: Workflow,
    description: "Design agent workflows on a canvas and run them.",
  },
  {
    href: "/runs",
    label: "Runs",
    icon: Activity,
    description: "Every run, live and past, with a step-by-step debugger.",
  },
  {
    href: "/analytics",
    label: "Analytics",
    icon: BarChart3,
    description: "Runs, tokens, cost and latency over time.",
  },
  {
    href: "/learning",
    label: "Learning",
    icon: Brain,
    description:
      "What finished runs teach: strategies per kind of task, predictions and A/B experiments.",
  },
  {
    href: "/anomalies",
    label: "Anomalies",
    icon: AlertTriangle,
    description: "Unusual runs, alerts and what was done about them.",
  },
  {
    href: "/marketplace",
    label: "Marketplace",
    icon: Store,
    description: "MCP servers to install for your tenant, and their health.",
  },
  {
    href: "/admin",
    label: "Admin",
    icon: Shield,
    description: "Members and roles, quotas, usage, API tokens and the audit log.",
  },
];

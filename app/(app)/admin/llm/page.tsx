import type { Metadata } from "next";
import { LlmProvidersPage } from "@/components/admin/llm-providers";

export const metadata: Metadata = { title: "LLM providers · Admin" };

export default function Page() {
  return <LlmProvidersPage />;
}

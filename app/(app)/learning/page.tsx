import type { Metadata } from "next";
import { LearningPage } from "@/components/learning/learning-page";

export const metadata: Metadata = { title: "Learning" };

export default function LearningRoute() {
  return <LearningPage />;
}

import type { Metadata } from "next";
import { ConnectUrlPage } from "@/components/marketplace/connect-url-page";

export const metadata: Metadata = { title: "Connect to a URL" };

export default function ConnectToUrlPage() {
  return <ConnectUrlPage />;
}

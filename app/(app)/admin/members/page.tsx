import type { Metadata } from "next";
import { MembersPage } from "@/components/admin/members";

export const metadata: Metadata = { title: "Members · Admin" };

export default function Page() {
  return <MembersPage />;
}

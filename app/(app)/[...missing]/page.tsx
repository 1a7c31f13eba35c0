import { notFound } from "next/navigation";

/** Any address no page answers: the shell's not-found page rather than the framework's bare 404. */
export default function MissingPage() {
  notFound();
}

import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

type Outputs = inferRouterOutputs<AppRouter>["dataset"];

/** `dataset.get`: the dataset, its versions (newest first), the version shown and its items. */
export type DatasetDetail = Outputs["get"];
export type DatasetVersion = DatasetDetail["versions"][number];
export type DatasetItemRow = DatasetDetail["items"][number];
export type ImportPreview = Outputs["previewImport"];

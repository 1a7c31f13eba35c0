export * from "./tenancy";
export * from "./audit";
export * from "./workflows";
export * from "./mcp";
export * from "./runs";
export * from "./anomalies";
export * from "./learning";
export * from "./triggers";

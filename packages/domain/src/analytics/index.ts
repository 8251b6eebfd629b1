export { spendReport } from "./spend.ts";
export { trafficReport } from "./traffic.ts";
export type { Period } from "./period.ts";
export { performanceReport, type PerformanceRow } from "./performance.ts";

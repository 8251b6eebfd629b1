import type { Config } from "@react-router/dev/config";

// A single-page app: pages render in the browser and talk to the server through tRPC.
export default { ssr: false, appDirectory: "app" } satisfies Config;

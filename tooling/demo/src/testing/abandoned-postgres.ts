// Starts the embedded Postgres on the data folder given as the first argument, prints its pid
// and port as JSON, and waits: a test then kills this process with SIGKILL, as a person killing
// the launcher would, leaving the server running with a live postmaster.pid.
import { postmasterPid, startEmbeddedPostgres } from "../postgres.ts";

const [dataDir, logFile] = process.argv.slice(2);
if (!dataDir || !logFile) throw new Error("usage: abandoned-postgres.ts <data folder> <log file>");
const server = await startEmbeddedPostgres({ dataDir, logFile });
process.stdout.write(`${JSON.stringify({ pid: postmasterPid(dataDir), port: server.port })}\n`);
setInterval(() => {}, 60_000);

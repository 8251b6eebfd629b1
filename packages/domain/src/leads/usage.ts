// Model usage onto the project's spend (usage_records), one row per call.
import type { LlmUsage } from "@threadline/ai";
import { usageRecords, type Tx } from "@threadline/db";

export async function recordUsage(tx: Tx, projectId: string, conversationId: string | null, usage: readonly LlmUsage[]) {
  if (usage.length === 0) return;
  await tx.insert(usageRecords).values(
    usage.map((u) => ({
      projectId,
      conversationId,
      provider: u.provider,
      feature: u.feature,
      model: u.model,
      inputUnits: u.inputTokens,
      outputUnits: u.outputTokens,
      costUsd: u.costUsd.toFixed(6),
    })),
  );
}

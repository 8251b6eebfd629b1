/** Stores a file through /uploads; a mutation (knowledge.addUpload, media.addUpload) then takes it by its key. */
export async function storeUpload(projectId: string, file: File, failed: string): Promise<{ storageKey: string; mime: string }> {
  const mime = file.type || "application/octet-stream";
  const res = await fetch(`/uploads?projectId=${encodeURIComponent(projectId)}`, {
    method: "POST",
    body: file,
    headers: { "Content-Type": mime, "X-File-Name": encodeURIComponent(file.name) },
  });
  const answer = (await res.json().catch(() => ({}))) as { storageKey?: string; error?: string };
  if (!res.ok || !answer.storageKey) throw new Error(answer.error ?? failed);
  return { storageKey: answer.storageKey, mime };
}

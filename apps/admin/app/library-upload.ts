import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useT, useTRPC } from "@threadline/ui";
import { storeUpload } from "./store-upload.ts";

/** The types the library takes (checked again by content on the server). */
export const LIBRARY_ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,audio/ogg";

/**
 * Adds a file to the project's media library: stored through /uploads, then taken by
 * `media.addUpload`; the library's lists are fetched again. Used by the library screen and the
 * saved reply form.
 */
export function useLibraryUpload(projectId: string, onAdded?: (id: string) => void) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const addUpload = useMutation(trpc.media.addUpload.mutationOptions());
  const [storing, setStoring] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const upload = async (file: File) => {
    setProblem(null);
    setStoring(true);
    try {
      const stored = await storeUpload(projectId, file, t("templates.uploadFailed"));
      const added = await addUpload.mutateAsync({ projectId, storageKey: stored.storageKey, fileName: file.name, mime: stored.mime });
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.media.list.queryKey({ projectId }) }),
        queryClient.invalidateQueries({ queryKey: trpc.media.library.queryKey({ projectId }) }),
      ]);
      onAdded?.(added.id);
    } catch (e) {
      setProblem(e instanceof Error ? e.message : t("templates.uploadFailed"));
    } finally {
      setStoring(false);
    }
  };
  return { upload, storing, problem, error: addUpload.error };
}

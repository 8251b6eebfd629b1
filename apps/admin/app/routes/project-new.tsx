import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { Button, Card, ErrorNote, Field, Input, PageHeader, errorMessage, useT, useTRPC } from "@threadline/ui";

// Short address suggestion from a Russian name: transliterated, lowercase, hyphenated.
const translit: Record<string, string> = { а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ё: "e", ж: "zh", з: "z", и: "i", й: "y", к: "k", л: "l", м: "m", н: "n", о: "o", п: "p", р: "r", с: "s", т: "t", у: "u", ф: "f", х: "h", ц: "ts", ч: "ch", ш: "sh", щ: "sch", ъ: "", ы: "y", ь: "", э: "e", ю: "yu", я: "ya" };
function suggestSlug(name: string) {
  return [...name.toLowerCase()]
    .map((c) => translit[c] ?? c)
    .join("")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
}

export default function ProjectNew() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugTouched, setSlugTouched] = useState(false);
  const create = useMutation(
    trpc.projects.create.mutationOptions({
      onSuccess: async (p) => {
        await queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() });
        navigate(`/p/${p.id}/staff`);
      },
    }),
  );
  return (
    <main className="mx-auto w-full max-w-lg p-6">
      <PageHeader title={t("admin.newProject")} />
      <Card className="p-6">
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ name, slug: slugTouched ? slug : suggestSlug(name) });
          }}
        >
          <Field label={t("admin.projectName")} htmlFor="project-name">
            <Input id="project-name" required value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label={t("admin.projectSlug")} htmlFor="project-slug">
            <Input
              id="project-slug"
              value={slugTouched ? slug : suggestSlug(name)}
              onChange={(e) => {
                setSlugTouched(true);
                setSlug(e.target.value);
              }}
            />
          </Field>
          <ErrorNote>{errorMessage(create.error)}</ErrorNote>
          <Button type="submit" variant="primary" disabled={create.isPending}>
            {t("common.create")}
          </Button>
        </form>
      </Card>
    </main>
  );
}

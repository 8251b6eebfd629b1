import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Button, errorMessage, Select, TagChip, Textarea, useT, useTRPC } from "@threadline/ui";
import { moment } from "./format.ts";

type Props = { projectId: string; conversationId: string; canTag: boolean; canWrite: boolean };

/** The client's tags and the team's notes about them, in the contact panel. */
export function ClientCard(props: Props) {
  return (
    <>
      <TagsSection {...props} />
      <NotesSection {...props} />
    </>
  );
}

function useCard({ projectId, conversationId }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const c = trpc.conversations;
  const card = useQuery(c.clientCard.queryOptions({ projectId, conversationId }));
  // The list shows tags too; colleagues hear of the change through the realtime event.
  const refresh = () => {
    void queryClient.invalidateQueries(c.clientCard.queryFilter({ projectId, conversationId }));
    void queryClient.invalidateQueries(c.list.infiniteQueryFilter({ projectId }));
  };
  return { card, refresh };
}

function TagsSection(props: Props) {
  const { projectId, conversationId, canTag } = props;
  const t = useT();
  const trpc = useTRPC();
  const addId = useId();
  const { card, refresh } = useCard(props);
  const projectTags = useQuery({ ...trpc.tags.list.queryOptions({ projectId }), staleTime: 30_000 });
  const setTag = useMutation(trpc.conversations.setTag.mutationOptions({ onSettled: refresh }));
  const attached = card.data?.tags ?? [];
  const free = (projectTags.data ?? []).filter((tag) => !attached.some((a) => a.id === tag.id));

  return (
    <section data-testid="contact-tags" className="space-y-2 border-b border-slate-100 px-5 py-4">
      <h3 className="text-xs font-medium text-slate-500">{t("inbox.tags.title")}</h3>
      <div className="flex flex-wrap gap-1">
        {attached.length === 0 ? <span className="text-sm text-slate-400">{t("inbox.tags.none")}</span> : null}
        {attached.map((tag) => (
          <TagChip
            key={tag.id}
            name={tag.name}
            color={tag.color}
            removeLabel={t("inbox.tags.remove", { name: tag.name })}
            onRemove={canTag ? () => setTag.mutate({ projectId, conversationId, tagId: tag.id, attached: false }) : undefined}
          />
        ))}
      </div>
      {canTag && free.length > 0 ? (
        <Select
          id={addId}
          aria-label={t("inbox.tags.add")}
          className="h-8 text-xs"
          value=""
          disabled={setTag.isPending}
          onChange={(e) => e.target.value && setTag.mutate({ projectId, conversationId, tagId: e.target.value, attached: true })}
        >
          <option value="">{t("inbox.tags.add")}</option>
          {free.map((tag) => (
            <option key={tag.id} value={tag.id}>
              {tag.name}
            </option>
          ))}
        </Select>
      ) : null}
      {canTag && projectTags.data?.length === 0 ? <p className="text-xs text-slate-400">{t("inbox.tags.noneInProject")}</p> : null}
      {setTag.error ? <p className="text-xs text-red-600">{errorMessage(setTag.error)}</p> : null}
    </section>
  );
}

function NotesSection(props: Props) {
  const { projectId, conversationId, canWrite } = props;
  const t = useT();
  const trpc = useTRPC();
  const { card, refresh } = useCard(props);
  const [draft, setDraft] = useState("");
  const add = useMutation(trpc.conversations.addNote.mutationOptions({ onSuccess: () => setDraft(""), onSettled: refresh }));
  const notes = card.data?.notes ?? [];

  return (
    <section data-testid="contact-notes" className="space-y-2 border-b border-slate-100 px-5 py-4">
      <h3 className="text-xs font-medium text-slate-500">{t("inbox.notes.title")}</h3>
      {canWrite ? (
        <form
          className="space-y-1.5"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate({ projectId, conversationId, text: draft });
          }}
        >
          <Textarea aria-label={t("inbox.notes.placeholder")} placeholder={t("inbox.notes.placeholder")} rows={2} value={draft} onChange={(e) => setDraft(e.target.value)} className="text-sm" />
          <Button type="submit" size="sm" variant="outline" disabled={add.isPending || !draft.trim()}>
            {t("inbox.notes.add")}
          </Button>
          {add.error ? <p className="text-xs text-red-600">{errorMessage(add.error)}</p> : null}
        </form>
      ) : null}
      {notes.length === 0 ? <p className="text-sm text-slate-400">{t("inbox.notes.none")}</p> : null}
      <ul className="space-y-2">
        {notes.map((note) => (
          <Note key={note.id} note={note} {...props} onChanged={refresh} />
        ))}
      </ul>
    </section>
  );
}

type NoteRow = { id: string; text: string; createdAt: Date; editedAt: Date | null; authorName: string | null; mine: boolean };

function Note({ note, projectId, conversationId, onChanged }: Props & { note: NoteRow; onChanged: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const [editing, setEditing] = useState<string | null>(null);
  const edit = useMutation(trpc.conversations.editNote.mutationOptions({ onSuccess: () => setEditing(null), onSettled: onChanged }));
  const remove = useMutation(trpc.conversations.deleteNote.mutationOptions({ onSettled: onChanged }));
  const error = edit.error ?? remove.error;
  return (
    <li data-testid="contact-note" className="rounded-md bg-amber-50/60 px-3 py-2 text-sm">
      <div className="mb-0.5 flex flex-wrap items-baseline gap-x-1.5 text-[11px] text-slate-500">
        <span className="font-medium text-slate-700">{note.authorName ?? "—"}</span>
        <span>{moment(note.createdAt)}</span>
        {note.editedAt ? <span>· {t("inbox.notes.edited")}</span> : null}
      </div>
      {editing !== null ? (
        <form
          className="space-y-1.5"
          onSubmit={(e) => {
            e.preventDefault();
            edit.mutate({ projectId, conversationId, noteId: note.id, text: editing });
          }}
        >
          <Textarea aria-label={t("inbox.notes.edit")} rows={3} value={editing} onChange={(e) => setEditing(e.target.value)} className="text-sm" />
          <div className="flex gap-1.5">
            <Button type="submit" size="sm" disabled={edit.isPending}>
              {t("inbox.notes.save")}
            </Button>
            <Button type="button" size="sm" variant="ghost" onClick={() => setEditing(null)}>
              {t("inbox.notes.cancel")}
            </Button>
          </div>
        </form>
      ) : (
        <p className="whitespace-pre-wrap break-words text-slate-800">{note.text}</p>
      )}
      {note.mine && editing === null ? (
        <div className="mt-1 flex gap-3 text-xs">
          <button type="button" className="text-slate-500 hover:text-sky-700" onClick={() => setEditing(note.text)}>
            {t("inbox.notes.edit")}
          </button>
          <button type="button" className="text-slate-500 hover:text-red-600" disabled={remove.isPending} onClick={() => remove.mutate({ projectId, conversationId, noteId: note.id })}>
            {t("inbox.notes.delete")}
          </button>
        </div>
      ) : null}
      {error ? <p className="mt-1 text-xs text-red-600">{errorMessage(error)}</p> : null}
    </li>
  );
}

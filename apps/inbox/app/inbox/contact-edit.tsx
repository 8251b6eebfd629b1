import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Button, ErrorNote, Field, fieldError, formError, Input, useT, useTRPC } from "@threadline/ui";

const FIELDS = ["name", "phone", "email"] as const;

/**
 * The client's card in edit mode: name, phone (validated on the server, stored as +7…) and e-mail.
 * A refused value keeps the form open with what was typed and says why; nothing is saved then.
 */
export function ContactEditForm({
  projectId,
  conversationId,
  contact,
  showPhone,
  onDone,
}: {
  projectId: string;
  conversationId: string;
  contact: { name: string; phone: string | null; email: string | null };
  /** False when the role does not see phones: the field is not offered. */
  showPhone: boolean;
  onDone: () => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ids = { name: useId(), phone: useId(), email: useId() };
  const [form, setForm] = useState({ name: contact.name, phone: contact.phone ?? "", email: contact.email ?? "" });
  const save = useMutation(
    trpc.conversations.updateContact.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries(trpc.conversations.get.queryFilter({ projectId, conversationId }));
        void queryClient.invalidateQueries(trpc.conversations.list.infiniteQueryFilter({ projectId }));
        onDone();
      },
    }),
  );
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    save.mutate({ projectId, conversationId, name: form.name, email: form.email, ...(showPhone ? { phone: form.phone } : {}) });
  };
  const codeOf = (field: (typeof FIELDS)[number]) => {
    const data = (save.error as { data?: { errorCode?: string } } | null)?.data;
    return data?.errorCode?.startsWith(`contacts.${field}`) ? formError(save.error, []) : fieldError(save.error, field);
  };
  const generalError = save.error && !FIELDS.some((f) => codeOf(f)) ? formError(save.error, FIELDS) : undefined;

  return (
    <form data-testid="contact-edit" onSubmit={submit} className="space-y-3 border-b border-slate-100 px-5 py-4 text-left">
      <Field label={t("inbox.contact.name")} htmlFor={ids.name} error={codeOf("name")}>
        <Input id={ids.name} value={form.name} maxLength={200} autoComplete="off" onChange={(e) => setForm({ ...form, name: e.target.value })} />
      </Field>
      {showPhone ? (
        <Field label={t("inbox.contact.phone")} htmlFor={ids.phone} error={codeOf("phone")}>
          <Input id={ids.phone} type="tel" inputMode="tel" value={form.phone} placeholder="+7 912 345-67-89" autoComplete="off" onChange={(e) => setForm({ ...form, phone: e.target.value })} />
        </Field>
      ) : null}
      <Field label={t("inbox.contact.email")} htmlFor={ids.email} error={codeOf("email")}>
        <Input id={ids.email} type="email" value={form.email} autoComplete="off" onChange={(e) => setForm({ ...form, email: e.target.value })} />
      </Field>
      {generalError ? <ErrorNote>{generalError}</ErrorNote> : null}
      <div className="flex gap-2">
        <Button type="submit" size="sm" variant="primary" disabled={save.isPending}>
          {t("inbox.contact.save")}
        </Button>
        <Button type="button" size="sm" variant="outline" onClick={onDone} disabled={save.isPending}>
          {t("inbox.contact.cancel")}
        </Button>
      </div>
    </form>
  );
}

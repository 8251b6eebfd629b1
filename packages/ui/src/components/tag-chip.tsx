import { X } from "lucide-react";
import { cn } from "../lib/cn.ts";

// The palette of tags (the names the server stores, tagColors in @threadline/db): soft backgrounds
// that read in the light and the dark theme alike.
const palette: Record<string, string> = {
  slate: "bg-slate-100 text-slate-700 ring-slate-300",
  red: "bg-red-50 text-red-700 ring-red-200",
  orange: "bg-orange-50 text-orange-700 ring-orange-200",
  amber: "bg-amber-50 text-amber-800 ring-amber-200",
  green: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  teal: "bg-teal-50 text-teal-700 ring-teal-200",
  blue: "bg-sky-50 text-sky-700 ring-sky-200",
  violet: "bg-violet-50 text-violet-700 ring-violet-200",
  pink: "bg-pink-50 text-pink-700 ring-pink-200",
};

/** A tag as both apps show it; with `onRemove`, a × takes it off. */
export function TagChip({ name, color, onRemove, removeLabel, className }: { name: string; color: string; onRemove?: () => void; removeLabel?: string; className?: string }) {
  return (
    <span data-testid="tag-chip" className={cn("inline-flex max-w-full items-center gap-0.5 rounded px-1.5 py-px text-[11px] font-medium ring-1 ring-inset", palette[color] ?? palette.slate, className)}>
      <span className="truncate">{name}</span>
      {onRemove ? (
        <button type="button" onClick={onRemove} aria-label={removeLabel} title={removeLabel} className="-mr-0.5 rounded p-0.5 opacity-70 hover:opacity-100">
          <X className="h-3 w-3" aria-hidden />
        </button>
      ) : null}
    </span>
  );
}

/** A colour swatch for the tag colour picker. */
export const tagSwatch = (color: string) => palette[color] ?? palette.slate!;

import { compact, type PayloadReader } from "../payload.ts";
import type { InboundAttachment, SharedContact } from "../types.ts";

// Telegram message media → InboundAttachment. Telegram gives file ids only; the media job
// turns them into a download through getFile.

function fileFields(item: PayloadReader) {
  return {
    fileId: item.str("file_id"),
    fileUniqueId: item.optStr("file_unique_id"),
    size: item.optInt("file_size"),
  };
}

function largestPhoto(sizes: PayloadReader[]): PayloadReader | undefined {
  let best: PayloadReader | undefined;
  for (const size of sizes) {
    if (!best || size.int("width") * size.int("height") >= best.int("width") * best.int("height")) best = size;
  }
  return best;
}

function stickerMime(sticker: PayloadReader): string {
  if (sticker.optBool("is_animated")) return "application/x-tgsticker";
  if (sticker.optBool("is_video")) return "video/webm";
  return "image/webp";
}

export function telegramAttachments(message: PayloadReader): InboundAttachment[] {
  const found: InboundAttachment[] = [];
  const photo = largestPhoto(message.objects("photo"));
  if (photo) {
    found.push({ kind: "photo", ...fileFields(photo), mime: "image/jpeg", width: photo.int("width"), height: photo.int("height") });
  }
  const document = message.optObj("document");
  // An animation message also carries a document copy of itself; the animation describes it better.
  if (document && !message.has("animation")) {
    found.push({ kind: "document", ...fileFields(document), mime: document.optStr("mime_type"), fileName: document.optStr("file_name") });
  }
  const voice = message.optObj("voice");
  if (voice) {
    found.push({ kind: "voice", ...fileFields(voice), mime: voice.optStr("mime_type") ?? "audio/ogg", durationSec: voice.optInt("duration") });
  }
  for (const key of ["video", "video_note", "animation"] as const) {
    const video = message.optObj(key);
    if (!video) continue;
    found.push({
      kind: "video",
      ...fileFields(video),
      mime: video.optStr("mime_type") ?? "video/mp4",
      fileName: video.optStr("file_name"),
      // A video note is round: Telegram gives its diameter as length.
      width: video.optInt("width") ?? video.optInt("length"),
      height: video.optInt("height") ?? video.optInt("length"),
      durationSec: video.optInt("duration"),
    });
  }
  const audio = message.optObj("audio");
  if (audio) {
    found.push({
      kind: "audio",
      ...fileFields(audio),
      mime: audio.optStr("mime_type") ?? "audio/mpeg",
      fileName: audio.optStr("file_name"),
      durationSec: audio.optInt("duration"),
    });
  }
  const sticker = message.optObj("sticker");
  if (sticker) {
    found.push({
      kind: "sticker",
      ...fileFields(sticker),
      mime: stickerMime(sticker),
      width: sticker.optInt("width"),
      height: sticker.optInt("height"),
      label: sticker.optStr("emoji"),
    });
  }
  return found.map(compact);
}

export function telegramContact(message: PayloadReader): SharedContact | undefined {
  const contact = message.optObj("contact");
  if (!contact) return undefined;
  const userId = contact.optInt("user_id");
  return compact({
    phoneNumber: contact.str("phone_number"),
    firstName: contact.optStr("first_name"),
    lastName: contact.optStr("last_name"),
    userId: userId !== undefined ? String(userId) : undefined,
  });
}

import { compact, type PayloadReader } from "../payload.ts";
import type { InboundAttachment } from "../types.ts";

// VK message attachments → InboundAttachment. fileId is the string messages.send accepts back
// (type + owner_id + _ + id + _ + access_key), url the direct link VK gives to bots.

const DOC_MIME: Record<string, string> = {
  pdf: "application/pdf",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  txt: "text/plain",
  doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xls: "application/vnd.ms-excel",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  zip: "application/zip",
  mp3: "audio/mpeg",
  ogg: "audio/ogg",
  mp4: "video/mp4",
};

export function mimeForExtension(ext: string | undefined): string | undefined {
  return ext ? DOC_MIME[ext.toLowerCase()] : undefined;
}

function attachmentId(type: string, item: PayloadReader): string | undefined {
  const owner = item.optInt("owner_id");
  const id = item.optInt("id");
  if (owner === undefined || id === undefined) return undefined;
  const key = item.optStr("access_key");
  return `${type}${owner}_${id}${key ? `_${key}` : ""}`;
}

/** The biggest of VK's image variants (photo sizes, sticker images). */
function largest(images: PayloadReader[]): PayloadReader | undefined {
  let best: PayloadReader | undefined;
  let bestArea = -1;
  for (const image of images) {
    const area = (image.optInt("width") ?? 0) * (image.optInt("height") ?? 0);
    if (area > bestArea) {
      best = image;
      bestArea = area;
    }
  }
  return best;
}

function photo(item: PayloadReader): InboundAttachment {
  const size = largest(item.objects("sizes"));
  return {
    kind: "photo",
    fileId: attachmentId("photo", item),
    url: size?.optStr("url"),
    mime: "image/jpeg",
    width: size?.optInt("width"),
    height: size?.optInt("height"),
  };
}

function doc(item: PayloadReader): InboundAttachment {
  const ext = item.optStr("ext");
  return {
    kind: "document",
    fileId: attachmentId("doc", item),
    url: item.optStr("url"),
    mime: mimeForExtension(ext),
    size: item.optInt("size"),
    fileName: item.optStr("title"),
  };
}

function voice(item: PayloadReader): InboundAttachment {
  return {
    kind: "voice",
    fileId: attachmentId("audio_message", item),
    url: item.optStr("link_ogg") ?? item.optStr("link_mp3"),
    mime: item.has("link_ogg") ? "audio/ogg" : "audio/mpeg",
    durationSec: item.optInt("duration"),
  };
}

function video(item: PayloadReader): InboundAttachment {
  const owner = item.optInt("owner_id");
  const id = item.optInt("id");
  return {
    kind: "video",
    fileId: attachmentId("video", item),
    // Bots get no direct file link for videos, only the page that plays them.
    url: owner !== undefined && id !== undefined ? `https://vk.com/video${owner}_${id}` : undefined,
    width: item.optInt("width"),
    height: item.optInt("height"),
    durationSec: item.optInt("duration"),
    fileName: item.optStr("title"),
  };
}

function sticker(item: PayloadReader): InboundAttachment {
  const image = largest(item.objects("images"));
  const stickerId = item.optInt("sticker_id");
  return {
    kind: "sticker",
    fileId: stickerId !== undefined ? `sticker${stickerId}` : undefined,
    url: image?.optStr("url"),
    mime: "image/png",
    width: image?.optInt("width"),
    height: image?.optInt("height"),
  };
}

function audio(item: PayloadReader): InboundAttachment {
  return {
    kind: "audio",
    fileId: attachmentId("audio", item),
    url: item.optStr("url") || undefined,
    mime: "audio/mpeg",
    durationSec: item.optInt("duration"),
    fileName: [item.optStr("artist"), item.optStr("title")].filter(Boolean).join(" — ") || undefined,
  };
}

export function vkAttachment(attachment: PayloadReader): InboundAttachment {
  return compact(describe(attachment));
}

function describe(attachment: PayloadReader): InboundAttachment {
  const type = attachment.str("type");
  const item = attachment.optObj(type);
  if (!item) return { kind: "other", label: type };
  switch (type) {
    case "photo":
      return photo(item);
    case "doc":
      return doc(item);
    case "audio_message":
      return voice(item);
    case "video":
      return video(item);
    case "sticker":
      return sticker(item);
    case "audio":
      return audio(item);
    default:
      return { kind: "other", label: type, fileId: attachmentId(type, item) };
  }
}

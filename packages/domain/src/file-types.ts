// A stored file's type is what /files later serves it as, so it never comes straight from a
// client, a platform or a remote server: it is one of these exact types, or octet-stream.

export const UNKNOWN_FILE_TYPE = "application/octet-stream";

/** Shown in the page (images, sound, video, PDF); every other stored type downloads. */
const INLINE_TYPES = new Set([
  "image/jpeg",
  "image/png",
  "image/gif",
  "image/webp",
  "audio/ogg",
  "audio/opus",
  "audio/mpeg",
  "audio/mp4",
  "audio/aac",
  "audio/webm",
  "audio/wav",
  "video/mp4",
  "video/webm",
  "video/quicktime",
  "application/pdf",
]);

/** Documents clients and managers send each other: kept by type, always served as a download. */
const DOCUMENT_TYPES = new Set([
  "text/plain",
  "text/csv",
  "application/rtf",
  "application/msword",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.ms-excel",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.ms-powerpoint",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  "application/vnd.oasis.opendocument.text",
  "application/vnd.oasis.opendocument.spreadsheet",
  "application/zip",
  "application/x-tgsticker",
]);

// Other names the same types go by.
const ALIASES: Record<string, string> = {
  "image/jpg": "image/jpeg",
  "image/pjpeg": "image/jpeg",
  "audio/mp3": "audio/mpeg",
  "audio/x-wav": "audio/wav",
  "audio/wave": "audio/wav",
  "audio/x-m4a": "audio/mp4",
  "audio/m4a": "audio/mp4",
};

/**
 * The type a file is stored under, from whatever type was claimed for it (an upload's
 * Content-Type, a reply's input, a platform's mime_type, a download's Content-Type, an export):
 * the claimed type without parameters when it is exactly one of the known ones, else
 * application/octet-stream. `application/pdf, text/html` or `text/html` become octet-stream.
 */
export function storedFileType(claimed: string | null | undefined): string {
  const essence = (claimed ?? "").split(";")[0]!.trim().toLowerCase();
  const type = ALIASES[essence] ?? essence;
  return INLINE_TYPES.has(type) || DOCUMENT_TYPES.has(type) ? type : UNKNOWN_FILE_TYPE;
}

/** Whether /files may show a stored type in the page rather than as a download. */
export function showsInline(storedType: string): boolean {
  return INLINE_TYPES.has(storedType);
}

/** Small formatting helpers: sizes, hashes, codes to labels. */

/** Human size: "532 bytes", "1.2 KB", "3.4 MB" (powers of 1024, as file managers show). */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "unknown size";
  if (bytes === 1) return "1 byte";
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** Short form of a SHA-256 hex: first 8 and last 4 characters. */
export function shortHash(hex: string): string {
  if (hex.length <= 16) return hex;
  return `${hex.slice(0, 8)}…${hex.slice(-4)}`;
}

/** A SHA-256 hex grouped in blocks of 8 for reading aloud or comparing by eye. */
export function groupedHash(hex: string): string {
  return hex.match(/.{1,8}/g)?.join(" ") ?? hex;
}

/** Label for a code from a list of coded choices, or the code itself. */
export function labelOf(list: ReadonlyArray<{ code: string; label: string }>, code: string | null | undefined): string {
  if (!code) return "";
  return list.find((c) => c.code === code)?.label ?? code;
}

/** "1 incident" / "3 incidents". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A broad family for a media type, for the file-type icon. */
export function fileFamily(
  mediaType: string,
): "image" | "pdf" | "text" | "audio" | "video" | "archive" | "document" | "other" {
  if (mediaType.startsWith("image/")) return "image";
  if (mediaType === "application/pdf") return "pdf";
  if (mediaType.startsWith("text/")) return "text";
  if (mediaType.startsWith("audio/")) return "audio";
  if (mediaType.startsWith("video/")) return "video";
  if (/zip|tar|gzip|x-7z|rar/.test(mediaType)) return "archive";
  if (/word|officedocument|opendocument|rtf|msword/.test(mediaType)) return "document";
  return "other";
}

/** Splits a text area of one item per line into a list (trimmed, no blanks). */
export function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

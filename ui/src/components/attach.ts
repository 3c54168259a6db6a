/**
 * Adding files three ways: the native multi-select dialog (shell command), drag and drop (native paths
 * from Tauri's drag-drop event, or HTML `File` objects dropped on the zone), and pasting an image into a
 * paste target (WebKitGTK inserts an `<img src="blob:…">`; its bytes are read back with fetch).
 */

import { getCurrentWebview } from "@tauri-apps/api/webview";
import { h } from "../dom";
import { pickFiles } from "../ipc";
import { pasteHandlers } from "./limited";

/** A file waiting to be attached: bytes from memory, or a path on disk from the dialog or a native drop. */
export type PendingFile =
  { kind: "bytes"; name: string; bytes: Uint8Array; modified?: Date } | { kind: "path"; name: string; path: string };

/** Name shown for a path (last component). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/** Reads dropped or chosen `File` objects into memory. */
export async function filesToPending(files: Iterable<File>): Promise<PendingFile[]> {
  const out: PendingFile[] = [];
  for (const f of files) {
    const bytes = new Uint8Array(await f.arrayBuffer());
    out.push({
      kind: "bytes",
      name: f.name || "dropped-file",
      bytes,
      modified: f.lastModified ? new Date(f.lastModified) : undefined,
    });
  }
  return out;
}

function pasteName(type: string): string {
  const ext =
    type
      .split("/")[1]
      ?.replace("jpeg", "jpg")
      .replace(/[^a-z0-9]/g, "") || "png";
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, "0");
  return `pasted-${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}.${ext}`;
}

/** Where a redirected Ctrl+V goes back to: the text box, with its selection. */
let returnTo: { el: HTMLInputElement | HTMLTextAreaElement | null; restore: () => void } | null = null;
/** The paste target on screen. */
let pasteSink: { paste: HTMLElement; caretInside: () => void } | null = null;

/** Inserts pasted text into a text box as a paste would (a length limit may take it, see limited.ts). */
function insertText(el: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  const shown = el instanceof HTMLInputElement ? text.replace(/[\r\n]+/g, " ") : text;
  const handler = pasteHandlers.get(el);
  if (handler?.(text)) return;
  const start = el.selectionStart ?? el.value.length;
  const end = el.selectionEnd ?? start;
  el.setRangeText(shown, start, end, "end");
  el.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertFromPaste", data: shown }));
}

/**
 * Ctrl+V anywhere in `root` pastes a screenshot into the paste target on screen: in a text box the key is sent to
 * the paste target first; text on the clipboard goes back into the text box, an image is attached.
 */
export function redirectPaste(root: HTMLElement): void {
  root.addEventListener(
    "keydown",
    (ev) => {
      if (!(ev.ctrlKey || ev.metaKey) || ev.shiftKey || ev.altKey || ev.key.toLowerCase() !== "v") return;
      const sink = pasteSink;
      if (!sink || !sink.paste.isConnected || !root.contains(sink.paste)) return;
      const el = ev.target;
      if (el === sink.paste) return;
      const textBox =
        el instanceof HTMLTextAreaElement ||
        (el instanceof HTMLInputElement && ["text", "search", "url", "email", ""].includes(el.type));
      if (!textBox && el instanceof HTMLElement && el.isContentEditable) return;
      const box = textBox ? (el as HTMLInputElement | HTMLTextAreaElement) : null;
      const start = box?.selectionStart ?? null;
      const end = box?.selectionEnd ?? null;
      const scroll = document.scrollingElement?.scrollTop ?? 0;
      const origin = el instanceof HTMLElement ? el : null;
      returnTo = box
        ? {
            el: box,
            restore: () => {
              box.focus({ preventScroll: true });
              if (start !== null && end !== null) box.setSelectionRange(start, end);
            },
          }
        : origin
          ? { el: null, restore: () => origin.focus({ preventScroll: true }) }
          : null;
      sink.paste.focus({ preventScroll: true });
      sink.caretInside();
      if (document.scrollingElement) document.scrollingElement.scrollTop = scroll;
      // Nothing pasted (an empty clipboard): go back all the same.
      window.setTimeout(() => {
        if (returnTo && document.activeElement === sink.paste) {
          const r = returnTo;
          returnTo = null;
          r.restore();
        }
      }, 600);
    },
    { capture: true },
  );
}

// Only one zone at a time listens to native drops: the one on screen.
let activeZone: ((paths: string[]) => void) | null = null;
let nativeListening = false;

async function listenNativeDrops(): Promise<void> {
  if (nativeListening) return;
  nativeListening = true;
  try {
    await getCurrentWebview().onDragDropEvent((ev) => {
      if (ev.payload.type === "drop" && activeZone && ev.payload.paths.length) activeZone(ev.payload.paths);
      document.body.classList.toggle("dragging", ev.payload.type === "enter" || ev.payload.type === "over");
      if (ev.payload.type === "leave" || ev.payload.type === "drop") document.body.classList.remove("dragging");
    });
  } catch {
    // Not running inside Tauri (unit tests, plain browser): HTML drops still work.
    nativeListening = false;
  }
}

/**
 * The drop zone with "Choose files…" and a paste target. `onFiles` receives what the person added.
 */
export function attachZone(onFiles: (files: PendingFile[]) => void, onError: (e: unknown) => void): HTMLElement {
  const choose = h("button", { type: "button", class: "secondary" }, "Choose files…");
  choose.addEventListener("click", async () => {
    try {
      const paths = await pickFiles();
      if (paths.length) onFiles(paths.map((p) => ({ kind: "path", name: baseName(p), path: p })));
    } catch (e) {
      onError(e);
    }
  });

  const paste = h("div", {
    class: "paste-target",
    contenteditable: "true",
    role: "textbox",
    "aria-label": "Paste a screenshot here",
    "aria-multiline": "false",
    tabindex: "0",
  });
  const hint = h(
    "span",
    { class: "paste-hint", "aria-hidden": "true", contenteditable: "false" },
    "Click here and press Ctrl+V to paste a screenshot (Ctrl+V works anywhere on this screen)",
  );
  paste.appendChild(hint);
  // WebKitGTK pastes at the caret, and inserts nothing when there is none: keep the caret inside the target,
  // after the hint (which stays: it is not editable, and clicking does not remove it).
  const caretInside = () => {
    const sel = window.getSelection();
    if (!sel || (sel.rangeCount && paste.contains(sel.getRangeAt(0).startContainer))) return;
    const range = document.createRange();
    range.selectNodeContents(paste);
    range.collapse(false);
    sel.removeAllRanges();
    sel.addRange(range);
  };
  const reset = () => {
    paste.textContent = "";
    paste.appendChild(hint);
  };
  paste.addEventListener("focus", () => caretInside());
  paste.addEventListener("blur", () => {
    if (!paste.querySelector("img")) reset();
  });
  // A Ctrl+V pressed in a text box elsewhere on the screen comes here (see `redirectPaste`): text goes back to
  // that box; an image is attached and the focus goes back.
  paste.addEventListener("paste", (ev) => {
    const back = returnTo;
    if (!back) return;
    returnTo = null;
    const text = ev.clipboardData?.getData("text/plain") ?? "";
    const hasFiles = Boolean(ev.clipboardData?.files.length);
    if (text && !hasFiles) {
      ev.preventDefault();
      ev.stopImmediatePropagation();
      back.restore();
      if (back.el) insertText(back.el, text);
      return;
    }
    setTimeout(() => back.restore(), 50);
  });
  paste.addEventListener("paste", (ev) => {
    // Browsers that give the file directly (Chromium, Firefox): use it and stop the default insert.
    const files = ev.clipboardData ? [...ev.clipboardData.files] : [];
    if (files.length) {
      ev.preventDefault();
      filesToPending(files).then(
        (p) =>
          onFiles(
            p.map((f) =>
              f.kind === "bytes" && (!f.name || f.name === "image.png") ? { ...f, name: pasteName("image/png") } : f,
            ),
          ),
        onError,
      );
      return;
    }
    // WebKitGTK: let the default paste insert <img src="blob:…"> at the caret, then read it back.
    caretInside();
    setTimeout(() => void collectPasted(), 0);
  });
  paste.addEventListener("input", () => void collectPasted());
  // Only images are kept: text that lands here is dropped.

  paste.addEventListener("keydown", (ev) => {
    // Only pasting is useful here; typing would just be lost.
    if (ev.key.length === 1 && !ev.ctrlKey && !ev.metaKey) ev.preventDefault();
  });
  const collectPasted = async () => {
    const imgs = [...paste.querySelectorAll("img")];
    if (!imgs.length) {
      if (paste.textContent !== hint.textContent) reset();
      return;
    }
    // Take every image out at once, before any await: `input` and the paste timer both call this.
    const srcs = imgs.map((img) => img.getAttribute("src") ?? "");
    for (const img of imgs) img.remove();
    const out: PendingFile[] = [];
    for (const src of srcs) {
      if (!src.startsWith("blob:") && !src.startsWith("data:")) continue;
      try {
        const res = await fetch(src);
        const blob = await res.blob();
        out.push({
          kind: "bytes",
          name: pasteName(blob.type || "image/png"),
          bytes: new Uint8Array(await blob.arrayBuffer()),
        });
        if (src.startsWith("blob:")) URL.revokeObjectURL(src);
      } catch (e) {
        onError(e);
      }
    }
    reset();
    if (out.length) onFiles(out);
  };

  const zone = h(
    "div",
    { class: "drop-zone", role: "group", "aria-label": "Add files" },
    h("p", { class: "drop-text" }, "Drop screenshots or files here, choose them, or paste a screenshot."),
    h("div", { class: "drop-actions" }, choose, paste),
  );
  zone.addEventListener("dragover", (ev) => {
    ev.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (ev) => {
    ev.preventDefault();
    zone.classList.remove("over");
    const files = ev.dataTransfer ? [...ev.dataTransfer.files] : [];
    if (files.length) filesToPending(files).then(onFiles, onError);
  });

  pasteSink = { paste, caretInside };
  activeZone = (paths) => {
    if (zone.isConnected) onFiles(paths.map((p) => ({ kind: "path", name: baseName(p), path: p })));
  };
  void listenNativeDrops();
  return zone;
}

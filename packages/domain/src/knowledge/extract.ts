// Text out of an uploaded document: plain text and Markdown as they are (Markdown's marks taken
// out), PDF through pdf.js (the legacy build, for Node 20), DOCX through mammoth. The type is
// judged by the file's own bytes as well as its name: a renamed binary is refused.
import mammoth from "mammoth";
import { badRequest } from "../errors.ts";

export type DocumentKind = "text" | "markdown" | "pdf" | "docx";

/** Files larger than this are refused before they are read. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
/** Text longer than this (after extraction) is refused: split the document. */
export const MAX_DOCUMENT_CHARS = 300_000;
const MAX_PDF_PAGES = 300;

const EXTENSIONS: Record<string, DocumentKind> = { txt: "text", text: "text", md: "markdown", markdown: "markdown", pdf: "pdf", docx: "docx" };

/** The document's kind by its name and its first bytes; refuses anything else. */
export function documentKind(fileName: string, data: Buffer): DocumentKind {
  const ext = fileName.toLowerCase().split(".").pop() ?? "";
  const kind = EXTENSIONS[ext];
  const isPdf = data.subarray(0, 5).toString("latin1") === "%PDF-";
  const isZip = data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04;
  if (kind === "pdf" && isPdf) return kind;
  if (kind === "docx" && isZip) return kind;
  if ((kind === "text" || kind === "markdown") && !isPdf && !isZip && !data.subarray(0, 8192).includes(0)) return kind;
  throw badRequest("knowledge.fileType", "Этот тип файла не подходит: загрузите .txt, .md, PDF или DOCX");
}

function fromMarkdown(text: string): string {
  return text
    .replace(/```[\s\S]*?```/g, (block) => block.replace(/```\w*/g, ""))
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/^\s{0,3}#{1,6}\s+/gm, "")
    .replace(/^\s{0,3}>\s?/gm, "")
    .replace(/(\*\*|__)(.*?)\1/g, "$2")
    .replace(/(^|[^*])\*([^*\n]+)\*/g, "$1$2")
    .replace(/`([^`]+)`/g, "$1")
    .replace(/^\s*[-*+]\s+/gm, "• ")
    .replace(/^\s*\|?(\s*:?-{3,}:?\s*\|)+\s*$/gm, "");
}

async function fromPdf(data: Buffer): Promise<string> {
  const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const pdf = await getDocument({ data: new Uint8Array(data), isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0 }).promise;
  try {
    const pages: string[] = [];
    for (let i = 1; i <= Math.min(pdf.numPages, MAX_PDF_PAGES); i++) {
      const page = await pdf.getPage(i);
      const content = await page.getTextContent();
      let line = "";
      const lines: string[] = [];
      for (const item of content.items) {
        if (!("str" in item)) continue;
        line += item.str;
        if (item.hasEOL) {
          lines.push(line);
          line = "";
        }
      }
      if (line) lines.push(line);
      pages.push(lines.join("\n"));
    }
    return pages.join("\n\n");
  } finally {
    await pdf.destroy();
  }
}

/** The document's text, ready to be cut into passages. */
export async function extractDocumentText(kind: DocumentKind, data: Buffer): Promise<string> {
  let text: string;
  try {
    if (kind === "pdf") text = await fromPdf(data);
    else if (kind === "docx") text = (await mammoth.extractRawText({ buffer: data })).value;
    else text = new TextDecoder("utf-8", { fatal: false }).decode(data);
  } catch {
    throw badRequest("knowledge.unreadable", "Не удалось прочитать файл");
  }
  if (kind === "markdown") text = fromMarkdown(text);
  text = text.replace(/\r\n?/g, "\n").replace(/[ \t\u00a0]+/g, " ").replace(/\n{3,}/g, "\n\n").trim();
  if (!/\p{L}/u.test(text)) throw badRequest("knowledge.empty", "В документе нет текста");
  if (text.length > MAX_DOCUMENT_CHARS) throw badRequest("knowledge.textTooLong", "Слишком длинный документ", { count: MAX_DOCUMENT_CHARS });
  return text;
}

export { addDocument, agentCatalog, conversationTraces, deleteDocument, getDocument, listDocuments, recordTrace, searchPassages, AGENT_PASSAGES, MAX_DOCUMENTS } from "./service.ts";
export type { DocumentInput, DocumentView, FoundPassage } from "./service.ts";
export { documentKind, extractDocumentText, MAX_DOCUMENT_BYTES, MAX_DOCUMENT_CHARS, type DocumentKind } from "./extract.ts";
export { splitIntoPassages, PASSAGE_CHARS } from "./passages.ts";
export { saveTranscript, filesToRead, MAX_TRANSCRIPTIONS_PER_TURN } from "./transcripts.ts";

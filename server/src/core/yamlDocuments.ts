/**
 * pnpm-lock.yaml is read twice in a run: by the project model (which versions are locked) and by
 * the lockfile check (what each entry says, with positions). A large one takes half a second to
 * parse, so the last parse is kept for the next reader of the same text, and let go after a few
 * seconds so its tree does not outlive the run's use of it.
 */
import { parseAllDocuments, type Document } from 'yaml';

const KEEP_MS = 10_000;
let last: { text: string; docs: Document.Parsed[] } | undefined;
let timer: NodeJS.Timeout | undefined;

/** The YAML documents of `text` (several for pnpm 10's lockfiles), parsed once for consecutive readers. */
export function yamlDocuments(text: string): Document.Parsed[] {
  if (last?.text !== text) {
    const parsed = parseAllDocuments(text);
    last = { text, docs: Array.isArray(parsed) ? parsed : [parsed as unknown as Document.Parsed] };
  }
  clearTimeout(timer);
  timer = setTimeout(() => (last = undefined), KEEP_MS);
  timer.unref();
  return last.docs;
}

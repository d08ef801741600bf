/**
 * Offsets <-> (line, character) for a document's text, and the offset map for lines that a parser
 * handed back with their indentation removed (a Markdown code block, a YAML block scalar).
 * Characters are UTF-16 units, as LSP's and JavaScript's are.
 */
import type { Position } from './model';

export class LineIndex {
  /** Offset where each line starts. */
  readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  positionAt(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }

  offsetAt(line: number, character: number): number {
    return (this.starts[line] ?? this.text.length) + character;
  }

  /** Line `n` without its line break. */
  lineText(n: number): string {
    return this.text.slice(this.starts[n] ?? this.text.length, (this.starts[n + 1] ?? this.text.length + 1) - 1).replace(/\r$/, '');
  }

  /**
   * For `lines` (joined with `\n`) that are the document's lines from `firstLine` on, each less
   * some leading indentation: the document offset of an offset in the joined text.
   */
  dedentedOffsets(firstLine: number, lines: string[]): (offset: number) => number {
    const valueStarts: number[] = [];
    const docStarts: number[] = [];
    let acc = 0;
    lines.forEach((line, i) => {
      const src = this.lineText(firstLine + i);
      valueStarts.push(acc);
      docStarts.push(this.offsetAt(firstLine + i, src.endsWith(line) ? src.length - line.length : 0));
      acc += line.length + 1;
    });
    return (o) => {
      let i = valueStarts.length - 1;
      while (i > 0 && valueStarts[i] > o) i--;
      return docStarts[i] + (o - valueStarts[i]);
    };
  }
}

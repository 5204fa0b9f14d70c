import { approxTokens } from './tokens.js';
import type { WireBlock } from './wire.js';

/** A reply's content cut to what a model could write within `max_tokens`. */
export interface LimitedOutput {
  content: WireBlock[];
  /** Output tokens of what is kept (the fake's `ceil(characters / 4)` rule, at most `max_tokens`). */
  outputTokens: number;
  /** Whether anything was cut: the stop reason is then `max_tokens`, as the real API reports. */
  cut: boolean;
}

/** Characters of a block that count as output: the text, or a tool call's input JSON. */
const outputText = (b: WireBlock): string | undefined =>
  b.type === 'text' ? (b.text ?? '') : b.type === 'tool_use' ? JSON.stringify(b.input ?? {}) : undefined;

/** The first `n` UTF-16 units of a text, one fewer when the cut would split a surrogate pair. */
function head(text: string, n: number): string {
  const end = n > 0 && n < text.length && /[\uD800-\uDBFF]/.test(text[n - 1]!) ? n - 1 : n;
  return text.slice(0, end);
}

/**
 * Cuts a scripted reply where a real model would have been stopped by `max_tokens` (at `4 × max_tokens`
 * characters under the fake's token rule). A tool call cut mid-input keeps its partial input JSON in
 * `partial_json` (streamed as the `input_json_delta`s sent before the cut) and an empty `input`.
 */
export function limitOutput(content: WireBlock[], maxTokens: number): LimitedOutput {
  let left = maxTokens * 4;
  const kept: WireBlock[] = [];
  for (const block of content) {
    const text = outputText(block);
    if (text === undefined) {
      kept.push(block);
      continue;
    }
    if (text.length <= left) {
      kept.push(block);
      left -= text.length;
      continue;
    }
    if (left > 0) {
      const part = head(text, left);
      kept.push(block.type === 'text' ? { ...block, text: part } : { ...block, input: {}, partial_json: part });
    }
    return { content: kept, outputTokens: maxTokens, cut: true };
  }
  const outputTokens = kept.reduce((n, b) => n + approxTokens(outputText(b) ?? ''), 0);
  return { content: kept, outputTokens: Math.min(outputTokens, maxTokens), cut: false };
}

import { StringDecoder } from 'node:string_decoder';

/** Token counts the proxy read from the Messages API's answers. */
export interface ProxyTokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
}

interface RawUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

/**
 * Reads usage out of a Messages API response as it streams past, without holding it: the SSE events
 * `message_start` (input and cache tokens) and `message_delta` (output tokens so far), or a JSON body's
 * `usage`. Adds what it found to `total` when the response ends.
 */
export class UsageTap {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private json = '';
  private readonly found: ProxyTokenUsage = {
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationInputTokens: 0,
    cacheReadInputTokens: 0,
  };

  constructor(private readonly sse: boolean) {}

  /** Feeds a chunk of the response body. */
  write(chunk: Buffer): void {
    const text = this.decoder.write(chunk);
    if (!this.sse) {
      if (this.json.length < 1024 * 1024) this.json += text;
      return;
    }
    this.pending += text;
    for (let nl = this.pending.indexOf('\n'); nl >= 0; nl = this.pending.indexOf('\n')) {
      const line = this.pending.slice(0, nl).trim();
      this.pending = this.pending.slice(nl + 1);
      if (line.startsWith('data:')) this.event(line.slice(5).trim());
    }
  }

  /** Adds the usage found to `total`. */
  end(total: ProxyTokenUsage): void {
    if (!this.sse && this.json) {
      try {
        this.take((JSON.parse(this.json) as { usage?: RawUsage }).usage, true);
      } catch {
        // not JSON (an error page): no usage
      }
    }
    total.inputTokens += this.found.inputTokens;
    total.outputTokens += this.found.outputTokens;
    total.cacheCreationInputTokens += this.found.cacheCreationInputTokens;
    total.cacheReadInputTokens += this.found.cacheReadInputTokens;
  }

  private event(data: string): void {
    try {
      const event = JSON.parse(data) as { type?: string; message?: { usage?: RawUsage }; usage?: RawUsage };
      if (event.type === 'message_start') this.take(event.message?.usage, true);
      else if (event.type === 'message_delta') this.take(event.usage, false);
    } catch {
      // a partial or foreign line
    }
  }

  private take(usage: RawUsage | undefined, start: boolean): void {
    if (!usage) return;
    if (start) {
      this.found.inputTokens = usage.input_tokens ?? this.found.inputTokens;
      this.found.cacheCreationInputTokens = usage.cache_creation_input_tokens ?? this.found.cacheCreationInputTokens;
      this.found.cacheReadInputTokens = usage.cache_read_input_tokens ?? this.found.cacheReadInputTokens;
    }
    // message_delta carries the cumulative output count.
    if (usage.output_tokens !== undefined) this.found.outputTokens = usage.output_tokens;
  }
}

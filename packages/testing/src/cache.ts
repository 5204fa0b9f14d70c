import { createHash } from 'node:crypto';
import { approxTokens, stripCacheControl } from './tokens.js';
import type { MessagesRequestBody, WireUsage } from './wire.js';

/** Prompt-cache settings of the fake. */
export interface CacheOptions {
  /** How long an entry lives after its last write or read. Default 5 minutes, like the real API. */
  ttlMs?: number;
  /** How long an entry written by a `ttl: "1h"` breakpoint lives. Default 1 hour, like the real API. */
  longTtlMs?: number;
  /** Shortest prefix (in approximate tokens) that is cached. Default 1024. */
  minTokens?: number;
  /** How many block boundaries before a breakpoint are checked for an earlier entry. Default 20. */
  lookbackBlocks?: number;
}

interface Unit {
  hash: string;
  tokens: number;
  /** Whether the block is a breakpoint, and with which TTL. */
  breakpoint: false | '5m' | '1h';
}

/** The input-token split of one request, as the real API reports it (`cache_creation` splits the writes by TTL). */
export type InputUsage = Pick<
  WireUsage,
  'input_tokens' | 'cache_creation_input_tokens' | 'cache_read_input_tokens' | 'cache_creation'
>;

/**
 * Anthropic's prompt cache, simulated.
 *
 * The prompt is flattened in the real order (tools, then system, then messages) into blocks;
 * each block's prefix gets a hash chained over everything before it (and the model).
 * A `cache_control` block is a breakpoint: the prefix through it is written when it has at least
 * `minTokens`; it lives `ttlMs` (5 minutes), or `longTtlMs` (1 hour) when the breakpoint says `ttl: "1h"`.
 * A later request reads the longest unexpired entry found at a breakpoint or at one of the
 * `lookbackBlocks` block boundaries before it. Reads and writes refresh the entry's TTL. Errors write nothing.
 */
export class PromptCache {
  readonly ttlMs: number;
  readonly longTtlMs: number;
  readonly minTokens: number;
  readonly lookbackBlocks: number;
  /** Prefix hash → expiry time and lifetime. */
  private readonly entries = new Map<string, { expires: number; lifetime: number }>();
  /** The last request's blocks: a conversation resends its history, so their hashes are reused, not recomputed. */
  private previous: Flattened | undefined;

  constructor(
    opts: CacheOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.ttlMs = opts.ttlMs ?? 5 * 60_000;
    this.longTtlMs = opts.longTtlMs ?? 60 * 60_000;
    this.minTokens = opts.minTokens ?? 1024;
    this.lookbackBlocks = opts.lookbackBlocks ?? 20;
  }

  /** Accounts one request: reads the longest cached prefix, writes the breakpoints past it. */
  account(body: MessagesRequestBody): InputUsage {
    const flat = flatten(body, this.previous);
    this.previous = flat;
    const { units } = flat;
    const total = units.reduce((n, u) => n + u.tokens, 0);
    const cumulative: number[] = [];
    let running = 0;
    for (const u of units) {
      running += u.tokens;
      cumulative.push(running);
    }
    const now = this.now();
    const breakpoints = units.flatMap((u, i) => (u.breakpoint ? [i] : []));
    let hit = -1;
    for (const bp of breakpoints) {
      for (let j = bp; j >= Math.max(0, bp - this.lookbackBlocks); j--) {
        const entry = this.entries.get(units[j]!.hash);
        if (entry !== undefined && entry.expires > now && j > hit) hit = j;
      }
    }
    const read = hit >= 0 ? cumulative[hit]! : 0;
    if (hit >= 0) {
      const entry = this.entries.get(units[hit]!.hash)!;
      entry.expires = now + entry.lifetime;
    }
    let written = read;
    const byTtl = { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 };
    for (const bp of breakpoints) {
      if (bp <= hit || cumulative[bp]! < this.minTokens) continue;
      const long = units[bp]!.breakpoint === '1h';
      const lifetime = long ? this.longTtlMs : this.ttlMs;
      this.entries.set(units[bp]!.hash, { expires: now + lifetime, lifetime });
      byTtl[long ? 'ephemeral_1h_input_tokens' : 'ephemeral_5m_input_tokens'] += cumulative[bp]! - written;
      written = cumulative[bp]!;
    }
    return {
      input_tokens: total - written,
      cache_creation_input_tokens: written - read,
      cache_read_input_tokens: read,
      cache_creation: byTtl,
    };
  }

  /** Forgets every entry. */
  clear(): void {
    this.entries.clear();
    this.previous = undefined;
  }
}

/** The request's input tokens with no cache at all. */
export function uncachedUsage(body: MessagesRequestBody): InputUsage {
  return {
    input_tokens: flatten(body).units.reduce((n, u) => n + u.tokens, 0),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
  };
}

/** A request's blocks, with what each block's hash was computed from. */
interface Flattened {
  model: string;
  units: Unit[];
  /** Per unit: its section and canonical JSON. */
  sources: { section: string; canonical: string }[];
}

/**
 * Tools, system and messages as cacheable blocks with chained prefix hashes. While the blocks equal those of
 * `previous` (same model, same sections and JSON from the first block on), `previous`'s hashes are reused: they are
 * the very hashes this would compute.
 */
function flatten(body: MessagesRequestBody, previous?: Flattened): Flattened {
  const units: Unit[] = [];
  const sources: Flattened['sources'] = [];
  let reuse = previous !== undefined && previous.model === body.model;
  const push = (section: string, value: unknown, breakpoint: Unit['breakpoint']): void => {
    const canonical = JSON.stringify(stripCacheControl(value));
    const i = units.length;
    const before = reuse ? previous?.sources[i] : undefined;
    reuse = before !== undefined && before.section === section && before.canonical === canonical;
    let hash = previous?.units[i]?.hash;
    if (!reuse || hash === undefined) {
      const prev = i === 0 ? createHash('sha256').update(`model:${body.model}`).digest('hex') : units[i - 1]!.hash;
      hash = createHash('sha256').update(prev).update(section).update(canonical).digest('hex');
    }
    units.push({ hash, tokens: approxTokens(canonical), breakpoint });
    sources.push({ section, canonical });
  };
  const marked = (v: unknown): Unit['breakpoint'] => {
    const cc =
      typeof v === 'object' && v !== null
        ? (v as { cache_control?: { ttl?: string } | null }).cache_control
        : undefined;
    return cc ? (cc.ttl === '1h' ? '1h' : '5m') : false;
  };

  // A breakpoint inside a tool_result's content marks the end of that tool_result.
  const nestedMark = (block: { content?: unknown }): Unit['breakpoint'] =>
    Array.isArray(block.content) ? (block.content.map(marked).find(Boolean) ?? false) : false;

  for (const tool of body.tools ?? []) push('tool', tool, marked(tool));
  // A string is shorthand for one text block, as in the real API: both spell the same prefix.
  if (typeof body.system === 'string') push('system', { type: 'text', text: body.system }, false);
  else for (const block of body.system ?? []) push('system', block, marked(block));
  for (const message of body.messages) {
    if (typeof message.content === 'string') push(message.role, { type: 'text', text: message.content }, false);
    else for (const block of message.content) push(message.role, block, marked(block) || nestedMark(block));
  }
  return { model: body.model, units, sources };
}

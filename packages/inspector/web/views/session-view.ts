import type { FoundationVersion, Session, SessionEvent } from '@sessionhub/core';
import { html } from 'htm/preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { follow, get, post } from '../api.js';
import { cost, duration, safeHref, tokenCount, tokens, when } from '../format.js';
import { buildTimeline, type Row, usageByPhase } from '../timeline-model.js';
import { EventDetail, InstructionView } from './event-detail.js';
import { Timeline } from './timeline.js';

interface Link {
  kind: string;
  label: string;
  url?: string;
}

const ENDED = new Set(['succeeded', 'failed', 'cancelled']);
/** The `raiseBudget` field of each budget an `approval.requested` event names. */
const BUDGET_KEY = { tokens: 'tokens', cost: 'costUsd', wall_time: 'wallTimeMs' } as const;

/** Loads a session's log page by page, then follows it live. */
function useSessionLog(id: string) {
  const [session, setSession] = useState<Session | undefined>();
  const [events, setEvents] = useState<SessionEvent[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [live, setLive] = useState(false);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    const all: SessionEvent[] = [];
    let pending: SessionEvent[] = [];
    let frame = 0;
    const flush = () => {
      frame = 0;
      all.push(...pending);
      pending = [];
      setEvents([...all]);
    };
    (async () => {
      // The record and the log load side by side.
      get<{ session: Session }>(`/api/sessions/${encodeURIComponent(id)}`, ctl.signal)
        .then((s) => setSession(s.session))
        .catch((e: unknown) => {
          if (!ctl.signal.aborted) setError(e instanceof Error ? e.message : String(e));
        });
      let next = 1;
      for (;;) {
        const page = await get<{ events: SessionEvent[]; next: number; done: boolean }>(
          `/api/sessions/${encodeURIComponent(id)}/events?from=${next}&limit=5000`,
          ctl.signal,
        );
        all.push(...page.events);
        next = page.next;
        if (page.done) break;
      }
      setEvents([...all]);
      if (all.some((e) => e.type === 'session.finished')) return;
      setLive(true);
      await follow(`/api/sessions/${encodeURIComponent(id)}/stream?from=${next}`, ctl.signal, (type, data) => {
        if (type === 'event') {
          pending.push(JSON.parse(data) as SessionEvent);
          if (!frame) frame = requestAnimationFrame(flush);
        } else if (type === 'end') {
          setLive(false);
          setTick((t) => t + 1);
        }
      });
      setLive(false);
    })().catch((e: unknown) => {
      if (!ctl.signal.aborted) setError(e instanceof Error ? e.message : String(e));
    });
    return () => ctl.abort();
  }, [id]);
  // The record follows the log: re-read it when a state changes.
  const lastState = useMemo(
    () => events.findLast((e) => e.type === 'state.changed' || e.type === 'session.finished')?.seq,
    [events],
  );
  useEffect(() => {
    if (lastState === undefined) return;
    const ctl = new AbortController();
    get<{ session: Session }>(`/api/sessions/${encodeURIComponent(id)}`, ctl.signal)
      .then((s) => setSession(s.session))
      .catch(() => undefined);
    return () => ctl.abort();
  }, [id, lastState, tick]);
  return { session, events, error, live };
}

/** One session: header, actions, usage per phase, links, the two-actor timeline and the selected event. */
export function SessionView(props: { id: string; actions: boolean }) {
  const { session, events, error, live } = useSessionLog(props.id);
  const { rows } = useMemo(() => buildTimeline(events), [events]);
  const [selected, setSelected] = useState<Row | undefined>();
  const [foundation, setFoundation] = useState<{ before: string; after: string; whole: boolean } | undefined>();
  const [links, setLinks] = useState<Link[]>([]);
  const [message, setMessage] = useState<string | undefined>();
  const templateName = useRef<HTMLInputElement>(null);
  const raiseTo = useRef<HTMLInputElement>(null);
  const finished = events.some((e) => e.type === 'session.finished');
  useEffect(() => {
    if (!finished) return;
    const ctl = new AbortController();
    const id = encodeURIComponent(props.id);
    get<{ current: FoundationVersion | null; previous: FoundationVersion | null }>(
      `/api/sessions/${id}/foundation`,
      ctl.signal,
    )
      .then((f) =>
        setFoundation(
          f.current ? { before: f.previous?.text ?? '', after: f.current.text, whole: !f.previous } : undefined,
        ),
      )
      .catch(() => undefined);
    get<{ links: Link[] }>(`/api/sessions/${id}/links`, ctl.signal)
      .then((l) => setLinks(l.links))
      .catch(() => undefined);
    return () => ctl.abort();
  }, [props.id, finished]);
  if (error) return html`<p class="error" role="alert">${error}</p>`;
  if (!session) return html`<p class="muted">Loading…</p>`;
  const lastInstruction = events.findLast((e) => e.type === 'instruction.accepted');
  // A session paused at a budget continues only with a higher limit for it.
  const request = events.findLast((e) => e.type === 'approval.requested' || e.type === 'approval.resolved');
  const pause = request?.type === 'approval.requested' ? request.budget : undefined;
  const act = async (action: string, body: unknown = {}) => {
    setMessage(undefined);
    try {
      await post(`/api/sessions/${encodeURIComponent(props.id)}/${action}`, body);
      setMessage(`${action}: done`);
    } catch (e) {
      setMessage(`${action}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const issueUrl = session.input.kind === 'issue' ? safeHref(session.input.issue.url) : undefined;
  const durationMs =
    (ENDED.has(session.state) ? Date.parse(session.updatedAt) : Date.now()) - Date.parse(session.createdAt);
  return html`
    <div class="session-head">
      <h2>${session.name ? `Session ${session.version}: ${session.name}` : session.id}</h2>
      <span class=${`state state-${session.state}`} data-testid="session-state">${session.state}</span>
      ${live ? html`<span class="live" data-testid="live">● live</span>` : null}
      <p class="muted">
        ${session.id} · created ${when(session.createdAt)} · ${duration(durationMs)} · ${tokens(tokenCount(session.usage))} tokens ·
        ${cost(session.usage.costUsd)} · ${session.templateId ? `template ${session.templateId} · ` : ''}fix attempts ${session.fixAttempts}
        ${session.tags.map((t) => html` <span class="tag">${t}</span>`)}
      </p>
      ${session.error ? html`<p class="error">${session.error.code}: ${session.error.message}</p>` : null}
    </div>
    ${
      props.actions
        ? html`<div class="actions">
            ${
              session.state === 'awaiting_approval'
                ? html`${
                    pause
                      ? html`<label>new ${pause.budget} limit <input ref=${raiseTo} aria-label="new budget limit" size="10" value=${String(pause.actual * 2)} /></label>`
                      : null
                  }
              <button data-action="approve" onClick=${() => act('approve', pause ? { raiseBudget: { [BUDGET_KEY[pause.budget]]: Number(raiseTo.current?.value) } } : {})}>Approve</button>
              <button data-action="reject" onClick=${() => act('reject', { reason: 'rejected in the inspector' })}>Reject</button>`
                : null
            }
            ${
              ENDED.has(session.state)
                ? null
                : html`<button data-action="cancel" onClick=${() => act('cancel')}>Cancel</button>
              <button data-action="resume" onClick=${() => act('resume')}>Resume</button>`
            }
            ${
              session.state === 'succeeded'
                ? html`<input ref=${templateName} placeholder="template name" aria-label="template name" />
              <button data-action="template" onClick=${() => act('template', { name: templateName.current?.value ?? '' })}>Save as template</button>`
                : null
            }
            ${message ? html`<span class="muted" role="status">${message}</span>` : null}
          </div>`
        : html`<p class="muted">Read-only inspector: actions need an engine.</p>`
    }
    <div class="session-meta">
      <table class="usage" data-testid="usage-by-phase">
        <thead><tr><th>phase</th><th>tokens</th><th>cost</th></tr></thead>
        <tbody>${usageByPhase(events).map((p) => html`<tr><td>${p.phase}</td><td>${tokens(tokenCount(p.usage))}</td><td>${cost(p.usage.costUsd)}</td></tr>`)}</tbody>
      </table>
      <div class="links">
        ${issueUrl ? html`<a href=${issueUrl} rel="noopener noreferrer" target="_blank">issue</a>` : null}
        ${links.map((l) => {
          const href = safeHref(l.url);
          return href
            ? html`<a class=${`link link-${l.kind}`} href=${href} rel="noopener noreferrer" target="_blank">${l.label}</a>`
            : html`<span class=${`link link-${l.kind}`}>${l.label}</span>`;
        })}
      </div>
    </div>
    <div class="session-body">
      <div class="timeline-col">
        <${Timeline} rows=${rows} selected=${selected?.key} onSelect=${setSelected} />
      </div>
      <aside class="detail" data-testid="detail">
        ${
          selected?.kind === 'item'
            ? html`<${EventDetail} event=${selected.event} foundation=${foundation} />`
            : lastInstruction?.type === 'instruction.accepted'
              ? html`<h3>Instruction: Session ${lastInstruction.version}: ${lastInstruction.name}</h3><${InstructionView} text=${lastInstruction.text} />`
              : html`<p class="muted">Select an event.</p>`
        }
      </aside>
    </div>
  `;
}

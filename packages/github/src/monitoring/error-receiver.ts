import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GitHostError } from '../errors.js';
import { answer, header, sendAnswer, type WebhookAnswer, type WebhookRequest } from '../webhooks/answer.js';
import type { ErrorReport } from '../webhooks/jobs.js';
import { readLimited } from '../webhooks/node-body.js';
import type { WebhookReceiver } from '../webhooks/receiver.js';
import { verifySignature } from '../webhooks/signature.js';
import { parseGenericReport, parseSentryPayload } from './error-reports.js';

/** Options of {@link ErrorReportReceiver}. */
export interface ErrorReportReceiverOptions {
  /** The receiver whose delivery log and queue the reports join. */
  receiver: WebhookReceiver;
  /** The repository issues are filed in (a generic report may name another). */
  repo: string;
  /** The secret of the generic webhook (`X-SessionHub-Signature-256: sha256=<hex>`). */
  secret?: string;
  /** Sentry's integration client secret (`Sentry-Hook-Signature: <hex>`). */
  sentrySecret?: string;
  /** Bodies over this are refused. Default 1 MiB. */
  maxPayloadBytes?: number;
}

function sentrySignatureOk(secret: string, body: Uint8Array, signature: string | undefined): boolean {
  if (!signature || !/^[0-9a-f]{64}$/.test(signature)) return false;
  return timingSafeEqual(createHmac('sha256', secret).update(body).digest(), Buffer.from(signature, 'hex'));
}

/**
 * Production errors in: a generic signed webhook and Sentry's integration webhooks. A verified report is
 * recorded in the delivery log under its fingerprint, so a storm of one error queues one job (later reports of the
 * same fingerprint answer 200 `duplicate`); the loop files an issue with the stack trace and occurrence count and
 * runs a session on it. Missing or wrong signature → 401, nothing recorded.
 */
export class ErrorReportReceiver {
  constructor(private readonly options: ErrorReportReceiverOptions) {
    if (!options.secret && !options.sentrySecret) {
      throw new GitHostError(
        'git_host.invalid_option',
        'give secret (generic reports) or sentrySecret (Sentry), or both',
      );
    }
  }

  /** A generic report: `POST` JSON signed with `X-SessionHub-Signature-256`. */
  receiveGeneric(request: WebhookRequest): Promise<WebhookAnswer> {
    return this.receive(request, {
      secret: this.options.secret,
      disabled: 'generic error reports are not enabled',
      verify: (secret, body) => verifySignature(secret, body, header(request.headers, 'x-sessionhub-signature-256')),
      parse: (json) => parseGenericReport(json, this.options.repo),
      deliveryId: () => header(request.headers, 'x-sessionhub-delivery') ?? randomUUID(),
    });
  }

  /** A Sentry webhook (`Sentry-Hook-Resource`, `Sentry-Hook-Signature`, `Request-ID` headers). */
  receiveSentry(request: WebhookRequest): Promise<WebhookAnswer> {
    return this.receive(request, {
      secret: this.options.sentrySecret,
      disabled: 'Sentry reports are not enabled',
      verify: (secret, body) => sentrySignatureOk(secret, body, header(request.headers, 'sentry-hook-signature')),
      parse: (json) =>
        parseSentryPayload(header(request.headers, 'sentry-hook-resource') ?? '', json, this.options.repo),
      deliveryId: () => `sentry:${header(request.headers, 'request-id') ?? randomUUID()}`,
    });
  }

  /** A `node:http` handler for one kind of report. */
  nodeHandler(kind: 'generic' | 'sentry'): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => {
      const send = (result: WebhookAnswer) => sendAnswer(res, result);
      if (req.method !== 'POST') return send(answer(405, 'POST only'));
      readLimited(req, this.options.maxPayloadBytes ?? 1024 * 1024).then(
        async (body) => {
          if (!body) return send(answer(413, 'payload too large'));
          const request = { headers: req.headers, body };
          try {
            send(await (kind === 'sentry' ? this.receiveSentry(request) : this.receiveGeneric(request)));
          } catch {
            if (!res.headersSent) res.writeHead(500).end();
          }
        },
        () => send(answer(400, 'could not read the body')),
      );
    };
  }

  /**
   * One report of either kind: 404 when its secret is not set, then size (413), signature (401), JSON (400), the
   * report (400 when unreadable; 202 `nothing to do` when the payload holds none), then queued once by fingerprint.
   */
  private async receive(
    request: WebhookRequest,
    kind: {
      secret: string | undefined;
      disabled: string;
      verify: (secret: string, body: Uint8Array) => boolean;
      parse: (json: unknown) => ErrorReport | undefined;
      deliveryId: () => string;
    },
  ): Promise<WebhookAnswer> {
    const { secret } = kind;
    if (!secret) return answer(404, kind.disabled);
    const max = this.options.maxPayloadBytes ?? 1024 * 1024;
    if (request.body.byteLength > max) return answer(413, `payload over ${max} bytes`);
    if (!kind.verify(secret, request.body)) return answer(401, 'missing or wrong signature');
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(request.body));
    } catch {
      return answer(400, 'body is not JSON');
    }
    let report: ErrorReport | undefined;
    try {
      report = kind.parse(json);
    } catch (error) {
      return answer(400, (error as Error).message);
    }
    if (!report) return answer(202, 'nothing to do', { jobs: 0 });
    return this.enqueue(report, kind.deliveryId());
  }

  private async enqueue(report: ErrorReport, deliveryId: string): Promise<WebhookAnswer> {
    const fresh = await this.options.receiver.enqueue(
      deliveryId,
      'error_report',
      { kind: 'error_report', report },
      `error:${report.fingerprint}`,
    );
    return fresh
      ? answer(202, 'queued', { jobs: 1 })
      : answer(200, `error ${report.fingerprint} was reported before`, { duplicate: true });
  }
}

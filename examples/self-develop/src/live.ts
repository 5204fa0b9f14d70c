/**
 * `npm start -w @sessionhub/example-self-develop`: the self-development server against GitHub and the Anthropic
 * API. See README.md for the environment it reads and how to point a repository's webhook at it.
 */
import { startSelfDevelop } from './server.js';

function need(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`set ${name} (see examples/self-develop/README.md)`);
    process.exit(2);
  }
  return value;
}

const repo = need('SESSIONHUB_REPO');
const auth = process.env.GITHUB_APP_ID
  ? {
      appId: need('GITHUB_APP_ID'),
      privateKey: need('GITHUB_APP_PRIVATE_KEY'),
      installationId: Number(need('GITHUB_APP_INSTALLATION_ID')),
    }
  : { token: need('GITHUB_TOKEN') };
const app = await startSelfDevelop({
  repository: need('SESSIONHUB_REPOSITORY'),
  repo,
  github: { auth },
  webhookSecret: need('GITHUB_WEBHOOK_SECRET'),
  anthropic: { apiKey: need('ANTHROPIC_API_KEY') },
  dataDir: process.env.SESSIONHUB_DATA ?? '.sessionhub',
  checkCommand: process.env.SESSIONHUB_CHECK ?? 'npm test',
  port: Number(process.env.PORT ?? 8787),
  errorReports: {
    ...(process.env.SESSIONHUB_ERROR_SECRET ? { secret: process.env.SESSIONHUB_ERROR_SECRET } : {}),
    ...(process.env.SENTRY_CLIENT_SECRET ? { sentrySecret: process.env.SENTRY_CLIENT_SECRET } : {}),
  },
  onProgress: (message, job) => console.log(`[${job.deliveryId}] ${message}`),
});
console.log(`SessionHub self-development for ${repo} on ${app.url} (webhooks/github, errors, errors/sentry)`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.close().then(() => process.exit(0));
  });
}

/**
 * @sessionhub/github: the `GitHost` port on Octokit, a webhook receiver that turns labelled issues and comment
 * commands into queued sessions, the issue-to-pull-request loop, and production error reports in.
 * @packageDocumentation
 */
export * from './errors.js';
export { GitHubHost, type GitHubHostOptions } from './host/github-host.js';
export { type GitHubAuth, type GitHubLimitsOptions, createOctokit, SessionHubOctokit } from './host/octokit.js';
export { signPayload, verifySignature } from './webhooks/signature.js';

import { shapes } from './shapes.js';
import type { FakeComment, FakeIssue, FakePull, FakeRepo } from './state.js';

/** Where the fake's answers point: its API base URL and the web base for `html_url`s. */
export interface Urls {
  api: string;
  web: string;
}

const ids = { next: 1000 };
function nextId(): number {
  ids.next += 1;
  return ids.next;
}

/** A user object in the recorded shape, for `login`. */
export function userJson(login: string, urls: Urls): Record<string, unknown> {
  return {
    ...shapes.user(),
    login,
    id: Math.abs([...login].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7)),
    url: `${urls.api}/users/${login}`,
    html_url: `${urls.web}/${login}`,
  };
}

/** A label in the recorded shape. */
export function labelJson(repo: FakeRepo, name: string, urls: Urls): Record<string, unknown> {
  return { ...shapes.label(), name, url: `${urls.api}/repos/${repo.fullName}/labels/${encodeURIComponent(name)}` };
}

/** An issue in the recorded shape. */
export function issueJson(repo: FakeRepo, issue: FakeIssue, urls: Urls): Record<string, unknown> {
  const api = `${urls.api}/repos/${repo.fullName}`;
  return {
    ...shapes.issue(),
    url: `${api}/issues/${issue.number}`,
    repository_url: api,
    labels_url: `${api}/issues/${issue.number}/labels{/name}`,
    comments_url: `${api}/issues/${issue.number}/comments`,
    events_url: `${api}/issues/${issue.number}/events`,
    html_url: `${urls.web}/${repo.fullName}/issues/${issue.number}`,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    user: userJson(issue.author, urls),
    labels: issue.labels.map((l) => labelJson(repo, l, urls)),
    comments: issue.comments.length,
  };
}

/** A comment in the documented shape. */
export function commentJson(
  repo: FakeRepo,
  issue: FakeIssue,
  comment: FakeComment,
  urls: Urls,
): Record<string, unknown> {
  return {
    ...shapes.comment(),
    id: comment.id,
    url: `${urls.api}/repos/${repo.fullName}/issues/comments/${comment.id}`,
    html_url: `${urls.web}/${repo.fullName}/issues/${issue.number}#issuecomment-${comment.id}`,
    issue_url: `${urls.api}/repos/${repo.fullName}/issues/${issue.number}`,
    body: comment.body,
    user: userJson(comment.author, urls),
    created_at: comment.createdAt,
    updated_at: comment.createdAt,
  };
}

/** A pull request in the documented shape. */
export function pullJson(repo: FakeRepo, pull: FakePull, urls: Urls): Record<string, unknown> {
  const template = shapes.pullRequest();
  const [owner] = repo.fullName.split('/');
  const side = (ref: string, sha: string, key: 'head' | 'base') => ({
    ...(template[key] as Record<string, unknown>),
    label: `${owner}:${ref}`,
    ref,
    sha,
  });
  return {
    ...template,
    url: `${urls.api}/repos/${repo.fullName}/pulls/${pull.number}`,
    html_url: `${urls.web}/${repo.fullName}/pull/${pull.number}`,
    number: pull.number,
    state: pull.state,
    title: pull.title,
    body: pull.body,
    merged: pull.merged,
    requested_reviewers: [],
    requested_teams: [],
    merged_at: pull.merged ? new Date().toISOString() : null,
    head: side(pull.head, pull.headSha, 'head'),
    base: side(pull.base, '0'.repeat(40), 'base'),
  };
}

/** A fresh comment id. */
export function newCommentId(): number {
  return nextId();
}

import { SessionHubError } from '@sessionhub/core';

/** A scripted conversation did not go as written (`fake.script_mismatch`, `fake.script_unfinished`). */
export class FakeScriptError extends SessionHubError {}

import { SessionHubError } from '@sessionhub/core';

/** A scripted conversation did not go as written (`fake.script_mismatch`, `fake.script_unfinished`). */
export class FakeScriptError extends SessionHubError {}

/** The fake was given an option or a fault it cannot honour (`fake.invalid_option`, `fake.invalid_fault`). */
export class FakeOptionError extends SessionHubError {}

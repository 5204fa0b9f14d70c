/**
 * @sessionhub/format: the session instruction and Foundation document formats.
 * @packageDocumentation
 */

export { SessionHubError } from './errors.js';
export * from './foundation/index.js';
export * from './instruction/format.js';
export * from './instruction/parse.js';
export * from './lint/index.js';
export * from './schemas.js';
export * from './types.js';
export * from './version.js';

export * from './append-worker.js';
export * from './child-process.js';
export * from './crash-trials.js';
export * from './fixtures.js';
export * from './library-fixture.js';
export * from './multi-process.js';
export * from './open-worker.js';

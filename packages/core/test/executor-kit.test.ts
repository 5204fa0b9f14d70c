import { existsSync } from 'node:fs';
import { InstructionFormatError } from '@sessionhub/core';
import { createTempSandbox, executeInputOf, recordProgress } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { DirSandboxProvider } from './support/dir-sandbox.js';

const TEXT = `Session 1.2: Greeting
OBJECTIVES:
1. Visitors are greeted by name
REQUIREMENTS:
- The greeting names the visitor
FOUNDATION UPDATE:
- Update to version 1.2
- Add session to log
VALIDATION:
- A visitor named Ada sees "Hello, Ada"
`;

describe('executor test kit (@sessionhub/core/testing)', () => {
  it('executeInputOf parses the text into the input an engine would give', () => {
    const input = executeInputOf(TEXT, { attempt: 2 });
    expect(input.text).toBe(TEXT);
    expect(input.attempt).toBe(2);
    expect(input.instruction.version.text).toBe('1.2');
    expect(input.instruction.objectives.map((o) => o.text)).toEqual(['Visitors are greeted by name']);
  });

  it('executeInputOf refuses a text that is not an instruction', () => {
    expect(() => executeInputOf('just some prose')).toThrow(InstructionFormatError);
  });

  it('recordProgress keeps every event in order and calls the listener', () => {
    const seen: string[] = [];
    const log = recordProgress((p) => seen.push(p.message));
    log.emit({ kind: 'message', message: 'one' });
    log.emit({ kind: 'tool_call', message: 'two' });
    expect(log.events.map((e) => e.message)).toEqual(['one', 'two']);
    expect(seen).toEqual(['one', 'two']);
  });

  it('createTempSandbox fills a fresh workspace and deletes it on dispose', async () => {
    const sandbox = await createTempSandbox(new DirSandboxProvider(), { 'src/a.txt': 'alpha' });
    expect(await sandbox.readFile('src/a.txt')).toBe('alpha');
    expect(existsSync(sandbox.workspace)).toBe(true);
    await sandbox.dispose();
    expect(existsSync(sandbox.workspace)).toBe(false);
  });
});

/**
 * False positives matter as much as misses: plain English that merely looks like code must not be
 * reported by any rule. Each sentence is linted as an item of REQUIREMENTS, of VALIDATION, and as a
 * lower-case item (where a command word would start the line).
 */
import { describe, expect, it } from 'vitest';
import { lintInstruction } from '../src/lint/index.js';
import { buildInstruction } from './fixtures/lint/build.js';

/** Plain English that contains code-like words or shapes. None of it names an implementation. */
export const PLAIN_ENGLISH: readonly string[] = [
  'If the export fails, the user sees why',
  'Return to the previous screen',
  'Import keeps the order of the rows',
  'Select the items from the list',
  'Create a table of results for the report',
  'Users can delete their account',
  'The function of the page is to show recent sessions',
  'Every field supports input/output in both directions',
  'Users can add a note and/or a tag',
  'Support is available 24/7',
  'Version 2 of the report lists every session',
  'Run the tests',
  'Export the report as a PDF',
  'Make the button blue when the form is valid',
  'Find the cause of the crash and fix it',
  'Sort the list by date, newest first',
  'Touch targets are at least 44 by 44 points',
  'Echo the search term above the results',
  'Kill switches let an admin pause all exports',
  'The source of each figure is shown under the chart',
  'Print the receipt after payment',
  'Cat owners can filter the list by breed',
  'Go back to the list after saving',
  'Users can update their profile and delete old drafts',
  'Insert a blank row between groups',
  'Drop the oldest entries when the history is full',
  'React quickly to a failed payment by showing the reason',
  'Express the total as a percentage of the budget',
  'Customers can choose Express checkout at the end',
  'The Spring sale banner shows until March 21',
  'Next, the user picks a date',
  'Rails on the staircase page are drawn in grey',
  'Type a name to filter the list',
  'The class schedule shows each room',
  'Default settings apply to new users',
  'Links to https://example.com/help open in a new tab',
  'Reports are due by 11/26/2026',
  'Half the users (1/2) see the new layout',
  'Read/write access can be granted per project',
  'The client/server split stays as it is',
  'Contact support@example.com for access',
  'The page works on screens 320 px wide',
  'The login flow handles a wrong password, e.g. it shows a message',
  'Write a summary (one paragraph) for each session',
  'The item(s) in the cart keep their order',
  'Show the score, e.g. 3.5 out of 5',
  'Session names are unique; duplicates are rejected',
  'Join the two lists on the shared name',
  'Where the list is empty, show a hint to create the first item',
  'Update the settings page to show the time zone',
  'The export is at most 10 MB',
  'Costs rise from -3% to +5% over the year',
  'A user who presses Cancel returns to the list',
  'Store sessions so they survive a restart',
  'Node names in the tree must be unique',
  'The A/B test runs for two weeks',
  'Set the default language to English',
  'Let users pin items to the top: pinned items stay first',
  'Error messages say what to do next',
  'Use plain language in every message',
  'Build a summary page for each team',
  'Bundle related settings together on one page',
  'The report header reads "Quarterly summary"',
  'Sessions older than 30 days move to the archive',
  'Load the next page when the user scrolls to the end',
  'The user can copy the link and paste it elsewhere',
  'Show the path the user took through the wizard',
  'Remove duplicates before counting',
  'Supports .csv and .xlsx files',
  'Pay with the American Express app',
  'Show the column(s): Name and Date',
  'Sort sessions > 30 days old to the end',
  'Redirect users to /login after logout',
  'Users can go back/forward between steps',
  'Upload a .zip of the photos',
  'Show errors inline, i.e. next to the field',
  'Make sure the total is right',
  'Head of sales approves large exports',
  'The Next button stays disabled until a file is chosen',
  'Source code is out of scope for reviewers',
  'Let users delete from history where the item is older than 30 days',
  'Create table headers (one per column) in bold',
  'Create index cards on the board (one per task)',
  'Press `Next` to continue, or `Back` to return',
  'The `Express` option ships the same day',
  'Insert into the list values the user typed',
  'Size(MB): Total size of the export',
  'Units(kg): Weight of the parcel',
  '<name> is replaced by the user name',
  'Rate = 0.2',
  'Timeout = 30',
  'Click + to add a row; click - to remove it',
  'Total = subtotal + tax',
];

/** Rules about implementation detail (the boundary); structure rules are checked by the full lint anyway. */
function diagnosticsFor(text: string) {
  return lintInstruction(text).diagnostics.map((d) => `${d.code}@${d.line}:${d.column} ${d.message}`);
}

describe('plain English produces no diagnostics', () => {
  it('the corpus has at least 40 sentences', () => {
    expect(PLAIN_ENGLISH.length).toBeGreaterThanOrEqual(40);
  });

  it.each(PLAIN_ENGLISH)('as a requirement: %s', (sentence) => {
    expect(diagnosticsFor(buildInstruction({ requirements: `- ${sentence}` }).text)).toEqual([]);
  });

  it.each(PLAIN_ENGLISH)('in lower case: %s', (sentence) => {
    const lower = sentence.charAt(0).toLowerCase() + sentence.slice(1);
    expect(diagnosticsFor(buildInstruction({ requirements: `- ${lower}` }).text)).toEqual([]);
  });

  it('all together, wrapped and nested, in every section', () => {
    const items = PLAIN_ENGLISH.map((s, i) => (i % 3 === 0 ? `- ${s}` : i % 3 === 1 ? `  - ${s}` : `    ${s}`));
    const text = buildInstruction({ requirements: items.join('\n') }).text;
    expect(diagnosticsFor(text)).toEqual([]);
  });

  it('consecutive lines that each look a little like code are still English', () => {
    const body = [
      '- <name> is replaced by the user name',
      '- <date> is replaced by the date of the export',
      '- Rate = 0.2',
      '- Timeout = 30',
      '- Size(MB): Total size of the export',
      '- Units(kg): Weight of the parcel',
    ].join('\n');
    expect(diagnosticsFor(buildInstruction({ requirements: body }).text)).toEqual([]);
  });

  it('as loose list paragraphs after blank lines', () => {
    const items = PLAIN_ENGLISH.slice(0, 12).flatMap((s) => [`- ${s}`, '', `  ${s}`, '']);
    expect(diagnosticsFor(buildInstruction({ requirements: items.join('\n') }).text)).toEqual([]);
  });
});

/** Validation items that a verifier can check: none may be called uncheckable. */
const CHECKABLE_VALIDATION: readonly string[] = [
  'All tests pass',
  'The login page shows an error for a wrong password',
  'Response time under 200 ms',
  'The typecheck is clean',
  'Exporting 10,000 sessions finishes within 5 seconds',
  'A wrong password is rejected with a message',
  'The exported file opens in a spreadsheet',
  'Lint reports no warnings',
  'The page loads fast: under 1 s on a 3G profile',
  'The "Export" button is disabled while an export runs',
  'Deleted sessions no longer appear in the list',
  'The build succeeds on a clean checkout',
  'Works offline: with the network disabled, saved reports still open',
  'The OK button closes the dialog',
  'Session ids are stable across restarts',
  'Fine-grained permissions are enforced per project',
  'The layout is responsive down to a phone-sized window',
  'Exports keep the original file names',
];

const UNCHECKABLE_VALIDATION: readonly string[] = [
  'Works well',
  'Code is clean',
  'Everything is good',
  'The UI is intuitive',
  'The code follows best practices',
  'Performance is acceptable',
  'It looks good on mobile',
  'The feature works properly',
  'Everything is OK',
  'The dashboard looks fine',
  'Error handling is robust',
  'The export is quick',
];

describe('uncheckable-validation', () => {
  it.each(CHECKABLE_VALIDATION)('accepts: %s', (item) => {
    expect(diagnosticsFor(buildInstruction({ validation: `- ${item}` }).text)).toEqual([]);
  });

  it.each(UNCHECKABLE_VALIDATION)('reports: %s', (item) => {
    const d = lintInstruction(buildInstruction({ validation: `- ${item}` }).text).diagnostics;
    expect(d.map((x) => x.code)).toEqual(['uncheckable-validation']);
  });

  it('only looks at VALIDATION and SUCCESS CRITERIA', () => {
    const text = buildInstruction({ requirements: '- The settings page looks good' }).text;
    expect(diagnosticsFor(text)).toEqual([]);
  });

  it('plain English as validation items is not reported by any rule', () => {
    const text = buildInstruction({ validation: PLAIN_ENGLISH.map((s) => `- ${s}`).join('\n') }).text;
    expect(diagnosticsFor(text)).toEqual([]);
  });
});

/**
 * `no-directory-layout`: how the code is laid out on disk, given in words ("a new directory called
 * controllers", "a utils folder at the project root", "one file per component"). Paths written as
 * paths are `no-file-paths`; this rule reads the sentences that describe the same decision. A folder
 * the user of the product sees ("users can create a folder called Receipts") is an outcome.
 */
import type { LintView } from '../lint-view.js';
import type { LintFinding } from '../rule.js';
import { defineLintRule } from '../rule.js';
import { quoted, shapeFindings, shapeSet, type WordShape } from '../shapes.js';

/** A directory noun. */
const DIRECTORY = '(?:folders?|directories|directory|dirs?|sub-?folders?|sub-?directories|sub-?directory)';

/**
 * The directory names code is organised into by convention. Names a product's user would give a folder
 * (public, shared, documents, templates, pages) are left out: "a public folder" is a feature.
 */
const CODE_DIRECTORIES = String.raw`(?:src|lib|libs|utils?|helpers|services|components|hooks|controllers|models|views|routes|routers|middlewares?|config|configs|types|typings|interfaces|tests?|specs?|__\w+__|scripts|handlers|migrations|schemas|fixtures|mocks|stubs|api|stores?|reducers|actions|providers|modules|plugins|layouts|styles|assets|static|dist|build|bin|cmd|internal|pkg|vendor|node_modules)`;

/** Each shape with the lower-cased words of which a line needs one before the pattern is tried. */
const SHAPES: readonly WordShape[] = [
  // "a directory called controllers": a lower-case name, as code directories are spelled.
  {
    re: new RegExp(
      String.raw`\b${DIRECTORY}\s+(?:called|named)\s+(?!(?:after|by|for|with|like|as|the|an?|according)\b)\`?[a-z_][\w.-]*`,
    ),
    what: 'a named directory',
    needs: ['folder', 'dir'],
  },
  // "a utils folder", "components, hooks and services directories"
  {
    re: new RegExp(String.raw`(?<![\w-])\`?${CODE_DIRECTORIES}\`?\s+${DIRECTORY}\b`),
    what: 'a code directory',
    needs: ['folder', 'dir'],
  },
  {
    re: /\b(?:at|in|into|to|under)\s+the\s+(?:project|repo(?:sitory)?|app|server|source|code|workspace|package)(?:'s)?\s+root\b|\broot\s+(?:of|in)\s+the\s+(?:project|repo(?:sitory)?|server|source|code(?:base)?|workspace|package)\b/i,
    what: 'the project root',
    needs: ['root'],
  },
  {
    re: /\bone\s+(?:file|module|folder|directory)\s+(?:per|for\s+each|for\s+every)\s+(?:component|class|module|route|model|function|controller|handler|service|hook|type|view|page|endpoint)\b/i,
    what: 'a file per construct',
    needs: ['one '],
  },
  {
    re: /\b(?:index|barrel)\s+files?\b|\bre-?exports?\s+(?:its\s+|the\s+|all\s+)?(?:modules|exports|types|components|functions)\b/i,
    what: 'module files',
    needs: ['index', 'barrel', 'export'],
  },
];

const SHAPE_SET = shapeSet(SHAPES);

/** Reports directory layouts given in words. */
function checkDirectoryLayout(view: LintView): LintFinding[] {
  return shapeFindings(view, SHAPE_SET, (found) => `Lays out the code on disk (${found.what}): ${quoted(found)}.`);
}

/** `no-directory-layout`: directory layouts given in words. */
export const noDirectoryLayout = defineLintRule({
  id: 'no-directory-layout',
  defaultSeverity: 'warning',
  summary: 'directory layouts in words (a `controllers` directory, a utils folder, one file per component)',
  description:
    'Describes where code goes: a directory named as code directories are (`controllers`, `utils`, `services`), the project root, one file per component, index or barrel files. Paths written as paths are `no-file-paths`.',
  hint: 'Leave the layout to the executor; state what must exist and how to check it.',
  examples: {
    context: 'requirements',
    bad: [
      '- Create a new directory called controllers for the route handlers',
      '- Add a utils folder at the project root',
      '- Keep one file per component',
      '- Split the server into routes, middleware and config folders',
    ],
    good: [
      '- Users can create a folder called Receipts',
      '- A staff directory lists every colleague by team',
      '- Uploads go to a shared folder the whole team can see',
      '- Users can pick the folder the export is saved to',
    ],
  },
  notes: [
    'A directory noun (folder, directory, subfolder) counts after "called"/"named" and a lower-case name, or after a name that code directories are given by convention (src, lib, utils, helpers, services, components, hooks, controllers, models, views, routes, middleware, config, types, tests, scripts, migrations, ...). Names a user gives folders (public, shared, documents, templates, pages) and capitalized names ("a folder called Receipts") do not count.',
    'Also: the project or repository root, "one file per component" (or class, module, route, ...), index or barrel files and re-exports.',
    'So "a staff directory", "a shared folder", "the folder the export is saved to" and user-made folders are English.',
  ],
  vocabulary: SHAPES.flatMap((s) => s.needs),
  check: checkDirectoryLayout,
});

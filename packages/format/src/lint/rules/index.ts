/**
 * Every lint rule, one line each. A new rule is one file in this folder and one line here; the
 * registry, the rule-id type, the catalogue and the docs page all follow from the definitions.
 */
export { duplicateSection } from './duplicate-section.js';
export { emptySection } from './empty-section.js';
export { foundationVersionMismatch } from './foundation-version-mismatch.js';
export { missingObjectives } from './missing-objectives.js';
export { missingValidation } from './missing-validation.js';
export { noCodeBlock } from './no-code-block.js';
export { noCodeConstructs } from './no-code-constructs.js';
export { noDataSchema } from './no-data-schema.js';
export { noDiffHunk } from './no-diff-hunk.js';
export { noDirectoryLayout } from './no-directory-layout.js';
export { noFileContents } from './no-file-contents.js';
export { noFilePaths } from './no-file-paths.js';
export { noHeredoc } from './no-heredoc.js';
export { noLibraryNames } from './no-library-names.js';
export { noShellCommands } from './no-shell-commands.js';
export { noSignatures } from './no-signatures.js';
export { noSql } from './no-sql.js';
export { uncheckableValidation } from './uncheckable-validation.js';

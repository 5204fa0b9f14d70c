/** Which function checks which rule. */
import { checkCodeBlocks, checkDiffHunks, checkHeredocs } from './rules/code-blocks.js';
import { checkFileContents } from './rules/file-contents.js';
import { checkFilePaths } from './rules/file-paths.js';
import { checkFoundationVersion } from './rules/foundation-version.js';
import { checkLibraryNames } from './rules/library-names.js';
import { checkShellCommands } from './rules/shell-commands.js';
import { checkSignatures } from './rules/signatures.js';
import { checkSql } from './rules/sql.js';
import {
  checkDuplicateSections,
  checkEmptySections,
  checkMissingObjectives,
  checkMissingValidation,
} from './rules/structure.js';
import { checkUncheckableValidation } from './rules/uncheckable-validation.js';
import type { LintCheck, LintRuleId } from './types.js';

/** @internal The check behind every rule id. */
export const RULE_CHECKS: Readonly<Record<LintRuleId, LintCheck>> = {
  'no-code-block': checkCodeBlocks,
  'no-heredoc': checkHeredocs,
  'no-file-contents': checkFileContents,
  'no-diff-hunk': checkDiffHunks,
  'foundation-version-mismatch': checkFoundationVersion,
  'missing-objectives': checkMissingObjectives,
  'missing-validation': checkMissingValidation,
  'empty-section': checkEmptySections,
  'duplicate-section': checkDuplicateSections,
  'no-library-names': checkLibraryNames,
  'no-file-paths': checkFilePaths,
  'no-shell-commands': checkShellCommands,
  'no-signatures': checkSignatures,
  'no-sql': checkSql,
  'uncheckable-validation': checkUncheckableValidation,
};

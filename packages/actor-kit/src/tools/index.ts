import { editFileTool } from './edit-file.js';
import { listFilesTool } from './list-files.js';
import { readFileTool } from './read-file.js';
import { runCommandTool } from './run-command.js';
import { searchTool } from './search.js';
import type { ExecutorTool } from './types.js';
import { writeFileTool } from './write-file.js';

export { type ExecutorTool, type ToolContext, type ToolDefinition, ToolInputError } from './types.js';

/** The executor's tools, in the order the model sees them (a stable order keeps the cache prefix stable). */
export const EXECUTOR_TOOLS: readonly ExecutorTool[] = [
  readFileTool,
  writeFileTool,
  editFileTool,
  listFilesTool,
  searchTool,
  runCommandTool,
];

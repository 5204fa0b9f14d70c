import { z } from 'zod';

/** One `{{variable}}` a template accepts. */
export const TemplateVariableSchema = z.object({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
  type: z.enum(['string', 'number', 'boolean']),
  required: z.boolean().default(true),
  description: z.string().optional(),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
});
export type TemplateVariable = z.infer<typeof TemplateVariableSchema>;

/** A stored instruction with `{{variable}}` placeholders. */
export const TemplateSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  description: z.string().optional(),
  /** Instruction text with `{{name}}` placeholders. */
  text: z.string().min(1),
  variables: z.array(TemplateVariableSchema),
  tags: z.array(z.string()).default([]),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** A stored instruction with `{{variable}}` placeholders. */
export type Template = z.infer<typeof TemplateSchema>;

/** One version of the Foundation document, recorded after a successful session. */
export const FoundationVersionSchema = z.object({
  version: z.string(),
  previousVersion: z.string().optional(),
  sessionId: z.string(),
  /** Workspace-relative path of the document. */
  path: z.string(),
  /** The whole document text at this version. */
  text: z.string(),
  at: z.string(),
});
/** One version of the Foundation document, recorded after a successful session. */
export type FoundationVersion = z.infer<typeof FoundationVersionSchema>;

import { StoreError } from '@sessionhub/core';
import { writeFileAtomic } from './atomic-write.js';
import { corruptFile, isMissing, storeIoError } from './io-errors.js';
import { FS_FORMAT, FS_SCHEMA_VERSION, type Layout } from './layout.js';
import type { StoreFs } from './options.js';

/** The content of `meta.json`. */
export interface FsStoreMeta {
  format: typeof FS_FORMAT;
  schemaVersion: number;
  createdAt: string;
}

/**
 * Reads `meta.json`, or writes it for a new (empty) store. A newer `schemaVersion` is
 * `store.schema_too_new`; an unreadable or foreign file is `store.corrupt`.
 */
export async function readOrCreateMeta(fs: StoreFs, layout: Layout, opts: { readonly: boolean }): Promise<FsStoreMeta> {
  let text: string | undefined;
  try {
    text = await fs.promises.readFile(layout.meta, 'utf8');
  } catch (error) {
    if (!isMissing(error)) throw storeIoError(error, `read ${layout.meta}`);
  }
  if (text === undefined) {
    if (opts.readonly) {
      throw new StoreError('store.unavailable', `${layout.root} is not a SessionHub store: meta.json is missing`);
    }
    const meta: FsStoreMeta = {
      format: FS_FORMAT,
      schemaVersion: FS_SCHEMA_VERSION,
      createdAt: new Date().toISOString(),
    };
    try {
      await writeFileAtomic(fs, layout.meta, `${JSON.stringify(meta, null, 2)}\n`);
    } catch (error) {
      throw storeIoError(error, `create ${layout.meta}`);
    }
    return meta;
  }
  let meta: Partial<FsStoreMeta>;
  try {
    meta = JSON.parse(text) as Partial<FsStoreMeta>;
  } catch (cause) {
    throw corruptFile(layout.meta, 'it is not JSON', cause);
  }
  if (meta?.format !== FS_FORMAT || typeof meta.schemaVersion !== 'number' || !Number.isInteger(meta.schemaVersion)) {
    throw corruptFile(layout.meta, `expected { format: "${FS_FORMAT}", schemaVersion: <integer> }`);
  }
  if (meta.schemaVersion > FS_SCHEMA_VERSION) {
    throw new StoreError(
      'store.schema_too_new',
      `${layout.root} has schema version ${meta.schemaVersion}, newer than ${FS_SCHEMA_VERSION} which this @sessionhub/store-fs reads: upgrade the package`,
    );
  }
  return meta as FsStoreMeta;
}

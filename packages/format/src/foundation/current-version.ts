/**
 * Which version a Foundation document is at: the one answer that `parseFoundation` reports and
 * `applyFoundationUpdate` judges "forward" against, so the reader and the editor never disagree.
 */
import type { SessionVersion } from '../types.js';
import { compareVersions } from '../version.js';
import { type FoundationAnalysis, highest } from './analyze.js';
import type { FoundationLogEntry, FoundationVersionMarker } from './types.js';

/** The document's version, and the two sources it was taken from. */
export interface CurrentVersion {
  /**
   * The highest of the stated and the logged version. Markers lag when someone forgets to bump them,
   * and a log entry is only written for a session that ran, so the highest of all was written last.
   */
  version?: SessionVersion;
  /** The highest `current` marker (`Current Version:` line, metadata, footer, titled heading). */
  stated?: SessionVersion;
  /** The first marker that states {@link stated}. */
  statedBy?: FoundationVersionMarker;
  /** The log entry with the highest version. */
  newest?: FoundationLogEntry;
}

/** Reads the current version of an analysed document. */
export function currentVersion(a: FoundationAnalysis): CurrentVersion {
  const markers = a.markers.filter((m) => m.role === 'current');
  const stated = highest(markers.map((m) => m.version));
  let newest: FoundationLogEntry | undefined;
  for (const { entry } of a.log?.items ?? []) {
    if (!newest || compareVersions(entry.version, newest.version) > 0) newest = entry;
  }
  const version = highest([...(stated ? [stated] : []), ...(newest ? [newest.version] : [])]);
  const result: CurrentVersion = {};
  if (version) result.version = version;
  if (stated) {
    result.stated = stated;
    result.statedBy = markers.find((m) => compareVersions(m.version, stated) === 0)!;
  }
  if (newest) result.newest = newest;
  return result;
}

/** A short complete instruction, for the examples of the rules about structure. */
export function exampleInstruction(o: {
  version?: string;
  objectives?: false;
  requirements?: string[];
  validation?: string[] | false;
}): string {
  const lines = ['Session 2.3: Export reports'];
  if (o.objectives !== false) lines.push('OBJECTIVES:', '1. Users can export a report as CSV');
  lines.push('REQUIREMENTS:', ...(o.requirements ?? ['- Reports include every visible session']));
  lines.push('FOUNDATION UPDATE:', `- Update to version ${o.version ?? '2.3'}`, '- Add session to log');
  if (o.validation !== false) lines.push('VALIDATION:', ...(o.validation ?? ['- All tests pass']));
  return lines.join('\n');
}

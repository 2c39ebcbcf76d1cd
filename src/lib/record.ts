/** Whether a parsed YAML/JSON value is a map (not null, not a list): the check before reading its fields. */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

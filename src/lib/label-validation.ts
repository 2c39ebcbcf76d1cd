/**
 * Syntax rules for label keys and values, and for DNS names, from apimachinery's validation package.
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
 */
const nameRe = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Returns why a label key is invalid, or undefined when it is valid. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  if (prefix !== undefined && (prefix.length > 253 || !dns1123Subdomain.test(prefix)))
    return `prefix "${prefix}" must be a DNS subdomain (lowercase alphanumerics, '-' and '.')`;
  if (name.length === 0 || name.length > 63 || !nameRe.test(name))
    return `name part "${name}" must be 1-63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`;
  return undefined;
}

/** Returns why a label value is invalid, or undefined when it is valid (empty values are allowed). */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63 || !nameRe.test(value))
    return `value "${value}" must be at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`;
  return undefined;
}

export function isDns1123Subdomain(s: string): boolean {
  return s.length <= 253 && dns1123Subdomain.test(s);
}
export function isDns1123Label(s: string): boolean {
  return s.length <= 63 && dns1123Label.test(s);
}
/** Service names are DNS-1035 labels (must start with a letter). */
export function isDns1035Label(s: string): boolean {
  return s.length <= 63 && dns1035Label.test(s);
}
/** IANA_SVC_NAME, the syntax of named ports: 1-15 chars, lowercase alphanumerics and '-', at least one letter. */
export function isIanaSvcName(s: string): boolean {
  return (
    s.length >= 1 &&
    s.length <= 15 &&
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(s) &&
    /[a-z]/.test(s) &&
    !s.includes('--')
  );
}

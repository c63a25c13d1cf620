import { stringify, type ToStringOptions, type DocumentOptions, type SchemaOptions, type CreateNodeOptions } from 'yaml';

/**
 * One serializer for every file, chosen for byte-determinism and for what Kubernetes' own YAML reader accepts:
 * - keys sorted at every level (apiVersion, kind, metadata, spec come out in that order; user map order is irrelevant);
 * - YAML 1.1 scalar rules, because sigs.k8s.io/yaml reads 1.1: `on`, `yes`, `y`, `0755`, timestamps come out quoted
 *   and stay strings (1.2 rules would leave `on` bare and the API server would see a boolean);
 * - no folding (`lineWidth: 0`), no anchors/aliases for shared sub-objects, kubectl-style unindented sequences.
 */
const OPTIONS: DocumentOptions & SchemaOptions & CreateNodeOptions & ToStringOptions = {
  version: '1.1',
  sortMapEntries: true,
  aliasDuplicateObjects: false,
  lineWidth: 0,
  minContentWidth: 0,
  indentSeq: false,
};

/** One object → one YAML document (ends with a newline, no `---`). */
export function toYamlDocument(value: unknown): string {
  return stringify(value, OPTIONS);
}

/** Several objects → a multi-document stream separated by `---`. */
export function toYamlStream(values: readonly unknown[]): string {
  return values.map(toYamlDocument).join('---\n');
}

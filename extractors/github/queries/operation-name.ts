/** The operation name of a GraphQL document, for records and messages (never the variables). */
export function operationNameOf(document: string): string {
  const match = /\b(?:query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(document);
  return match?.[1] ?? "anonymous";
}

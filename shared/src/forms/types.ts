/** A JSON Schema object as plain data (ajv compiles it on the server; the mini-program renders it). */
export type JsonSchemaObject = Record<string, unknown>;

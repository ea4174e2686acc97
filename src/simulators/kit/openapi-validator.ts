/**
 * Validates a JSON value against an OpenAPI 3.0 schema, for the subset the vendor documents use:
 * $ref, type, required, properties, additionalProperties: false, items, enum, nullable, and the
 * formats date-time, date and uuid. Unknown properties are errors, as on the strict vendor side.
 */
export interface OpenApiDocument {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
}

interface Schema {
  $ref?: string;
  type?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean;
  items?: Schema;
  enum?: unknown[];
  nullable?: boolean;
  format?: string;
}

const FORMATS: Record<string, RegExp> = {
  "date-time": /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
};

export class OpenApiValidator {
  constructor(private readonly doc: OpenApiDocument) {}

  /** Problems with a request body for `method path`, as "path: message" lines; empty when valid. */
  validateRequest(method: string, path: string, body: unknown): string[] {
    const schema = this.doc.paths[path]?.[method.toLowerCase()]?.requestBody?.content?.["application/json"]?.schema;
    if (!schema) return [`no request schema for ${method} ${path}`];
    const problems: string[] = [];
    this.check(schema, body, "body", problems);
    return problems;
  }

  private check(schema: Schema, value: unknown, at: string, out: string[]): void {
    if (schema.$ref) return this.check(this.resolve(schema.$ref), value, at, out);
    if (value === null) {
      if (!schema.nullable) out.push(`${at}: must not be null`);
      return;
    }
    if (schema.enum && !schema.enum.includes(value)) out.push(`${at}: must be one of ${schema.enum.join(", ")}`);
    switch (schema.type) {
      case "object": {
        if (typeof value !== "object" || Array.isArray(value)) return void out.push(`${at}: must be an object`);
        const record = value as Record<string, unknown>;
        for (const key of schema.required ?? []) if (record[key] === undefined) out.push(`${at}.${key}: is required`);
        for (const [key, v] of Object.entries(record)) {
          const prop = schema.properties?.[key];
          if (prop) this.check(prop, v, `${at}.${key}`, out);
          else if (schema.additionalProperties === false) out.push(`${at}.${key}: is not allowed`);
        }
        return;
      }
      case "array":
        if (!Array.isArray(value)) return void out.push(`${at}: must be an array`);
        value.forEach((v, i) => schema.items && this.check(schema.items, v, `${at}[${i}]`, out));
        return;
      case "string":
        if (typeof value !== "string") return void out.push(`${at}: must be a string`);
        if (schema.format && FORMATS[schema.format] && !FORMATS[schema.format]!.test(value))
          out.push(`${at}: must be a ${schema.format}`);
        return;
      case "number":
        if (typeof value !== "number" || !Number.isFinite(value)) out.push(`${at}: must be a number`);
        return;
      case "integer":
        if (!Number.isInteger(value)) out.push(`${at}: must be an integer`);
        return;
      case "boolean":
        if (typeof value !== "boolean") out.push(`${at}: must be a boolean`);
        return;
    }
  }

  private resolve(ref: string): Schema {
    const name = ref.replace("#/components/schemas/", "");
    const schema = this.doc.components.schemas[name];
    if (!schema) throw new Error(`unresolved $ref ${ref}`);
    return schema;
  }
}

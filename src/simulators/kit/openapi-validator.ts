/**
 * Validates requests against an OpenAPI 3.0 document, for the subset the vendor documents use: path
 * templates, query and path parameters (declared ones only), the request body's media type and schema.
 * Schemas: $ref (any JSON pointer into the document), type, required, properties, additionalProperties,
 * items, enum, nullable, minimum/maximum, allOf/anyOf/oneOf, and the formats date-time, date, uuid,
 * int32 and `decimal` (decimal text, a reading some documents need; see scripts/posiflora-openapi-subset.ts).
 *
 * A property the schema does not describe is an error where the schema says `additionalProperties: false`
 * (r_keeper's DTOs); elsewhere it is reported as `undocumented` (Posiflora's schemas leave
 * additionalProperties open, so the vendor may ignore the field, but no document says what it does).
 */
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface Operation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
}

interface Parameter {
  name: string;
  in: "query" | "path" | "header" | "cookie";
  required?: boolean;
  schema?: Schema;
}

export interface Schema {
  $ref?: string;
  type?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  nullable?: boolean;
  format?: string;
  minimum?: number;
  maximum?: number;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
}

/** One thing wrong with a request. `at` is the parameter's name, or a JSON pointer into the body. */
export interface Problem {
  in: "query" | "path" | "body" | "header";
  at: string;
  message: string;
  /** A field the schema does not describe, where the schema does not forbid extra fields. */
  undocumented?: boolean;
}

export interface RequestToCheck {
  method: string;
  /** The path as the document writes it, without the server's base path: `/v1/orders/abc`. */
  path: string;
  query?: URLSearchParams;
  /** The parsed JSON body; `undefined` when there is none. */
  body?: unknown;
  /** The request's media type, when it has a body. */
  contentType?: string | null;
}

const FORMATS: Record<string, RegExp> = {
  "date-time": /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  decimal: /^-?\d+(\.\d+)?$/,
};
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

interface Template {
  path: string;
  pattern: RegExp;
  names: string[];
  literals: number;
}

export class OpenApiValidator {
  private readonly templates: Template[];

  constructor(private readonly doc: OpenApiDocument) {
    this.templates = Object.keys(doc.paths).map((path) => {
      const names: string[] = [];
      const source = path
        .split("/")
        .map((segment) => {
          const m = /^\{(.+)\}$/.exec(segment);
          if (!m) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          names.push(m[1]!);
          return "([^/]+)";
        })
        .join("/");
      const literals = path.split("/").filter((s) => s && !s.startsWith("{")).length;
      return { path, pattern: new RegExp(`^${source}/?$`), names, literals };
    });
    // More literal segments first: /v1/catalog/categories before /v1/catalog/{category}.
    this.templates.sort((a, b) => b.literals - a.literals);
  }

  /** The documented operation a request path falls under, with its path parameters. */
  operation(
    method: string,
    path: string,
  ): { template: string; operation: Operation; params: Record<string, string> } | null {
    for (const t of this.templates) {
      const m = t.pattern.exec(path);
      const operation = m && this.doc.paths[t.path]?.[method.toLowerCase()];
      if (!m || !operation) continue;
      const params = Object.fromEntries(t.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
      return { template: t.path, operation, params };
    }
    return null;
  }

  /** Everything wrong with a request; `documented: false` when the document has no such operation. */
  check(req: RequestToCheck): { documented: boolean; problems: Problem[] } {
    const found = this.operation(req.method, req.path);
    if (!found) return { documented: false, problems: [] };
    const problems: Problem[] = [];
    const declared = found.operation.parameters ?? [];
    // Path parameters.
    for (const p of declared.filter((x) => x.in === "path")) {
      const value = found.params[p.name];
      if (value !== undefined && p.schema) this.checkText(p.schema, value, "path", p.name, problems);
    }
    // Query parameters: only declared ones, each of its schema's type.
    const query = req.query ?? new URLSearchParams();
    for (const name of new Set(query.keys())) {
      const p = declared.find((x) => x.in === "query" && x.name === name);
      if (!p) {
        problems.push({ in: "query", at: name, message: "is not a declared query parameter" });
        continue;
      }
      const values = query.getAll(name);
      const schema = p.schema ? this.resolve(p.schema) : undefined;
      if (!schema) continue;
      if (schema.type === "array") {
        const items = values.flatMap((v) => v.split(","));
        for (const item of items) if (schema.items) this.checkText(schema.items, item, "query", name, problems);
      } else if (values.length > 1) {
        problems.push({ in: "query", at: name, message: "is given more than once" });
      } else {
        this.checkText(schema, values[0]!, "query", name, problems);
      }
    }
    for (const p of declared)
      if (p.in === "query" && p.required && !query.has(p.name))
        problems.push({ in: "query", at: p.name, message: "is required" });
    // The body.
    const body = found.operation.requestBody;
    if (req.body === undefined) {
      if (body?.required) problems.push({ in: "body", at: "", message: "a request body is required" });
    } else if (!body) {
      problems.push({ in: "body", at: "", message: "this operation takes no request body" });
    } else {
      const types = Object.keys(body.content ?? {});
      const media = (req.contentType ?? "").split(";")[0]!.trim().toLowerCase();
      const type = req.contentType === undefined ? types[0] : types.find((t) => t === media);
      if (!type) {
        problems.push({ in: "header", at: "content-type", message: `must be ${types.join(" or ")}` });
      } else {
        const schema = body.content?.[type]?.schema;
        if (schema) this.checkValue(schema, req.body, [], problems);
      }
    }
    return { documented: true, problems };
  }

  /**
   * Problems with a request body for `method path` (the path as a template of the document), as
   * "body.path.to.field: message" lines; empty when valid. Undocumented fields count only where the
   * schema forbids them.
   */
  validateRequest(method: string, path: string, body: unknown): string[] {
    const schema = this.doc.paths[path]?.[method.toLowerCase()]?.requestBody?.content?.["application/json"]?.schema;
    if (!schema) return [`no request schema for ${method} ${path}`];
    const problems: Problem[] = [];
    this.checkValue(schema, body, [], problems);
    return problems.filter((p) => !p.undocumented).map((p) => `${dotted(p.at)}: ${p.message}`);
  }

  private checkText(schema: Schema, text: string, where: "query" | "path", name: string, out: Problem[]): void {
    const s = this.resolve(schema);
    const fail = (message: string): void => {
      out.push({ in: where, at: name, message });
    };
    let value: unknown = text;
    switch (s.type) {
      case "integer":
        if (!/^-?\d+$/.test(text)) return fail("must be an integer");
        value = Number(text);
        break;
      case "number":
        if (!/^-?\d+(\.\d+)?$/.test(text)) return fail("must be a number");
        value = Number(text);
        break;
      case "boolean":
        if (text !== "true" && text !== "false") return fail("must be true or false");
        value = text === "true";
        break;
    }
    const problems: Problem[] = [];
    this.checkValue(s, value, [], problems);
    for (const p of problems) fail(p.message);
  }

  private checkValue(schema: Schema, value: unknown, at: string[], out: Problem[]): void {
    const s = this.resolve(schema);
    const pointer = at.length ? `/${at.map((k) => k.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}` : "";
    const fail = (message: string) => void out.push({ in: "body", at: pointer, message });
    if (value === null) {
      if (!s.nullable) fail("must not be null");
      return;
    }
    for (const part of s.allOf ?? []) this.checkValue(part, value, at, out);
    const alternatives = s.oneOf ?? s.anyOf;
    if (alternatives) {
      const fits = alternatives.filter((alt) => {
        const trial: Problem[] = [];
        this.checkValue(alt, value, at, trial);
        return trial.every((p) => p.undocumented);
      });
      if (s.oneOf ? fits.length !== 1 : fits.length === 0)
        fail(s.oneOf ? "must match exactly one of its schemas" : "must match one of its schemas");
    }
    if (s.enum && !s.enum.includes(value)) fail(`must be one of ${s.enum.join(", ")}`);
    switch (s.type) {
      case "object": {
        if (typeof value !== "object" || Array.isArray(value)) return fail("must be an object");
        const record = value as Record<string, unknown>;
        for (const key of s.required ?? []) if (record[key] === undefined) this.push(out, [...at, key], "is required");
        for (const [key, v] of Object.entries(record)) {
          const prop = s.properties?.[key];
          if (prop) this.checkValue(prop, v, [...at, key], out);
          else if (s.additionalProperties === false) this.push(out, [...at, key], "is not allowed");
          else if (typeof s.additionalProperties === "object")
            this.checkValue(s.additionalProperties, v, [...at, key], out);
          else if (s.properties) this.push(out, [...at, key], "is not described by the documents", true);
        }
        return;
      }
      case "array":
        if (!Array.isArray(value)) return fail("must be an array");
        value.forEach((v, i) => s.items && this.checkValue(s.items, v, [...at, String(i)], out));
        return;
      case "string":
        if (typeof value !== "string") return fail("must be a string");
        if (s.format && FORMATS[s.format] && !FORMATS[s.format]!.test(value)) fail(`must be a ${s.format}`);
        return;
      case "number":
        if (typeof value !== "number" || !Number.isFinite(value)) return fail("must be a number");
        this.range(s, value, fail);
        return;
      case "integer":
        if (!Number.isInteger(value)) return fail("must be an integer");
        if (s.format === "int32" && ((value as number) < INT32.min || (value as number) > INT32.max))
          return fail("must fit int32");
        this.range(s, value as number, fail);
        return;
      case "boolean":
        if (typeof value !== "boolean") fail("must be a boolean");
        return;
    }
  }

  private range(s: Schema, value: number, fail: (m: string) => void): void {
    if (s.minimum !== undefined && value < s.minimum) fail(`must be at least ${s.minimum}`);
    if (s.maximum !== undefined && value > s.maximum) fail(`must be at most ${s.maximum}`);
  }

  private push(out: Problem[], at: string[], message: string, undocumented = false): void {
    const pointer = `/${at.map((k) => k.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;
    out.push({ in: "body", at: pointer, message, ...(undocumented ? { undocumented } : {}) });
  }

  private resolve(schema: Schema, depth = 0): Schema {
    if (!schema.$ref) return schema;
    if (depth > 32) throw new Error(`$ref cycle at ${schema.$ref}`);
    return this.resolve(this.pointer(schema.$ref), depth + 1);
  }

  private pointer(ref: string): Schema {
    if (!ref.startsWith("#/")) throw new Error(`unresolved $ref ${ref}`);
    let at: unknown = this.doc;
    for (const raw of ref.slice(2).split("/")) {
      const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
      at = at && typeof at === "object" ? (at as Record<string, unknown>)[key] : undefined;
      if (at === undefined) throw new Error(`unresolved $ref ${ref}`);
    }
    return at as Schema;
  }
}

/** "/guest/type" -> "body.guest.type" (the notation of validateRequest's lines). */
function dotted(pointer: string): string {
  return `body${pointer.replace(/\//g, ".").replace(/~1/g, "/").replace(/~0/g, "~")}`;
}

import { Ajv, type ErrorObject } from 'ajv';
import formatsPlugin from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import type { FieldError } from '../errors.js';

function makeAjv(coerce: boolean) {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: false,
    useDefaults: true,
    removeAdditional: false,
    coerceTypes: coerce ? 'array' : false,
  });
  // ajv-formats is CommonJS: its callable is the default export's default under NodeNext.
  const mod = formatsPlugin as unknown as { default?: (a: Ajv) => Ajv } & ((a: Ajv) => Ajv);
  const addFormats = mod.default ?? mod;
  addFormats(ajv);
  return ajv;
}

/**
 * Bodies are validated without type coercion ("5" is not a number there); query strings and
 * path params are strings on the wire, so they are coerced. Unknown fields are refused, not dropped.
 */
export function installValidators(app: FastifyInstance): void {
  const strict = makeAjv(false);
  const coercing = makeAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema as object),
  );
}

const friendly: Record<string, (e: ErrorObject) => string> = {
  required: () => 'is required',
  additionalProperties: () => 'is not a known field',
  type: (e) => `must be ${e.params.type === 'integer' ? 'a whole number' : `of type ${e.params.type}`}`,
  minLength: (e) => (e.params.limit === 1 ? 'must not be empty' : `must be at least ${e.params.limit} characters`),
  maxLength: (e) => `must be at most ${e.params.limit} characters`,
  minimum: (e) => `must be at least ${e.params.limit}`,
  maximum: (e) => `must be at most ${e.params.limit}`,
  format: (e) => (e.params.format === 'date' ? 'must be a date YYYY-MM-DD' : `must be a valid ${e.params.format}`),
  pattern: (e) =>
    /id$/i.test(e.instancePath) || /id$/i.test(String(e.params.pattern)) ? 'must be a UUID' : 'has an invalid format',
  enum: (e) => `must be one of ${(e.params.allowedValues as unknown[]).join(', ')}`,
  const: (e) => `must be ${JSON.stringify(e.params.allowedValue)}`,
};

/** Turns AJV errors into `{ field, message }` pairs that name the offending field. */
export function toFieldErrors(errors: ErrorObject[], context: string): FieldError[] {
  const out = new Map<string, FieldError>();
  const unionPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  for (const e of errors) {
    let field = e.instancePath.replace(/^\//, '').replaceAll('/', '.');
    if (e.keyword === 'required')
      field = field ? `${field}.${e.params.missingProperty}` : String(e.params.missingProperty);
    if (e.keyword === 'additionalProperties') {
      field = field ? `${field}.${e.params.additionalProperty}` : String(e.params.additionalProperty);
    }
    let message = friendly[e.keyword]?.(e) ?? e.message ?? 'is invalid';
    if (unionPaths.has(e.instancePath)) {
      if (e.keyword !== 'anyOf') continue;
      const options = Array.isArray(e.schema) ? (e.schema as { const?: unknown }[]).map((o) => o.const) : [];
      message = options.every((o) => o !== undefined)
        ? `must be one of ${options.join(', ')}`
        : 'is not one of the allowed values';
    }
    if (!field) field = context;
    if (!out.has(field)) out.set(field, { field, message });
  }
  return [...out.values()];
}

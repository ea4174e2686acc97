import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesPlugin } from "@escape.tech/graphql-armor-max-directives";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import {
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  getNamedType,
  GraphQLError,
  type GraphQLNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  OperationTypeNode,
  type SelectionSetNode,
  type Source,
  type ValidationContext,
} from "graphql";
import { createGraphQLError, type Plugin } from "graphql-yoga";
import { LRUCache } from "lru-cache";
import { isVendorRootField, VENDOR_NESTED_FIELDS } from "../graphql/vendor-fields.ts";
import type { SecuritySettings } from "./security.ts";

/**
 * Document limits, all from graphql-armor except the cost: tokens (counted by the lexer while parsing,
 * so a list nested 3,000 deep or 5,000 nested fragments stop long before the parser recurses far),
 * depth, aliases and directives, each a validation rule.
 */
export function useDocumentLimits(settings: SecuritySettings): Plugin[] {
  const costRule = vendorCostRule(costTable(settings), settings.costMax);
  return [
    useNestingLimit(settings.maxNesting),
    maxTokensPlugin({ n: settings.maxTokens }),
    maxDepthPlugin({ n: settings.maxDepth, ignoreIntrospection: true, flattenFragments: true }),
    maxAliasesPlugin({ n: settings.maxAliases }),
    maxDirectivesPlugin({ n: settings.maxDirectives }),
    { onValidate: ({ addValidationRule }) => addValidationRule(costRule) },
  ];
}

/**
 * Brackets, braces and parentheses nested deeper than `max`, found by one scan of the source (strings
 * and comments skipped) before the parser runs. graphql-js parses nested lists, objects and selections
 * by recursion, so a list literal nested a few thousand deep overflows the stack well inside any token
 * limit; this refuses it first.
 */
export function nestingDepth(source: string, max: number): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 0x23 /* # */) {
      while (i < source.length && source.charCodeAt(i) !== 0x0a && source.charCodeAt(i) !== 0x0d) i++;
    } else if (c === 0x22 /* " */) {
      if (source.startsWith('"""', i)) {
        const end = source.indexOf('"""', i + 3);
        i = end < 0 ? source.length : end + 2;
        // An escaped \""" inside a block string is rare; a miscount only makes the limit stricter.
      } else {
        for (i++; i < source.length; i++) {
          const d = source.charCodeAt(i);
          if (d === 0x5c /* \ */) i++;
          else if (d === 0x22 || d === 0x0a || d === 0x0d) break;
        }
      }
    } else if (c === 0x7b || c === 0x5b || c === 0x28) {
      if (++depth > deepest) deepest = depth;
      if (deepest > max) return deepest;
    } else if (c === 0x7d || c === 0x5d || c === 0x29) {
      depth--;
    }
  }
  return deepest;
}

function useNestingLimit(max: number): Plugin {
  return {
    onParse({ params }) {
      const given = params.source as string | Source;
      const source = typeof given === "string" ? given : given.body;
      if (nestingDepth(source, max) > max) {
        throw createGraphQLError(`Syntax Error: nesting limit of ${max} exceeded.`, {
          extensions: { code: "GRAPHQL_PARSE_FAILED", http: { status: 400 } },
        });
      }
    },
  };
}

/**
 * Field costs by coordinate: vendor-reaching root fields are dear (every root field not known to be
 * answered locally, see vendor-fields.ts), nested ones less, everything else 1; COST_FIELDS overrides.
 */
export function costTable(
  settings: Pick<SecuritySettings, "costVendorField" | "costVendorNestedField" | "costFields">,
) {
  const table = new Map<string, number>();
  for (const c of VENDOR_NESTED_FIELDS) table.set(c, settings.costVendorNestedField);
  for (const [c, cost] of Object.entries(settings.costFields)) table.set(c, cost);
  return {
    of(coordinate: string, root: boolean): number {
      return table.get(coordinate) ?? (root && isVendorRootField(coordinate) ? settings.costVendorField : 1);
    },
  };
}

/**
 * The cost of each operation: every field 1, a field in the table its cost, each alias counted again
 * (two aliases of `customer` are two vendor calls), fragments followed once per spread (memoised, cycles
 * cut). Introspection costs nothing. Over `max`, the document is refused before anything runs.
 */
export function vendorCostRule(table: ReturnType<typeof costTable>, max: number) {
  return function VendorCostRule(context: ValidationContext): ASTVisitor {
    return {
      Document(document: DocumentNode) {
        const schema = context.getSchema();
        const fragments = new Map<string, FragmentDefinitionNode>();
        for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
        const memo = new Map<string, number>();
        const visiting = new Set<string>();

        const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
        const costOf = (set: SelectionSetNode, type: GraphQLNamedType | undefined | null): number => {
          let total = 0;
          for (const s of set.selections) {
            if (total > max) return total;
            if (s.kind === Kind.FIELD) {
              const name = s.name.value;
              if (name.startsWith("__")) continue;
              const field = type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields()[name] : undefined;
              total += table.of(`${type?.name}.${name}`, roots.has(type as never));
              if (s.selectionSet) total += costOf(s.selectionSet, field ? getNamedType(field.type) : undefined);
            } else if (s.kind === Kind.INLINE_FRAGMENT) {
              const on = s.typeCondition ? schema.getType(s.typeCondition.name.value) : type;
              total += costOf(s.selectionSet, on);
            } else {
              const name = s.name.value;
              const fragment = fragments.get(name);
              if (!fragment || visiting.has(name)) continue;
              const key = `${name}@${type?.name}`;
              let cost = memo.get(key);
              if (cost === undefined) {
                visiting.add(name);
                cost = costOf(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value));
                visiting.delete(name);
                memo.set(key, cost);
              }
              total += cost;
            }
          }
          return total;
        };

        for (const d of document.definitions) {
          if (d.kind !== Kind.OPERATION_DEFINITION) continue;
          const root =
            d.operation === OperationTypeNode.QUERY
              ? schema.getQueryType()
              : d.operation === OperationTypeNode.MUTATION
                ? schema.getMutationType()
                : schema.getSubscriptionType();
          const cost = costOf(d.selectionSet, root);
          if (cost > max) {
            context.reportError(
              new GraphQLError(
                `Query cost limit of ${max} exceeded: each field that reaches a provider costs more than plain fields`,
                { nodes: [d], extensions: { code: "COST_LIMIT_EXCEEDED" } },
              ),
            );
          }
        }
        return false;
      },
    };
  };
}

/**
 * Yoga's parsed-document and parse-error caches, bounded in bytes of source text (an AST is about 12×
 * its source). Entries larger than the whole budget are not cached.
 */
export function boundedParserCache(maxBytes: number) {
  const maxSize = Math.max(1, maxBytes);
  const sized = <V extends object>(factor: number) =>
    new LRUCache<string, V>({ maxSize, sizeCalculation: (_value, key) => Math.max(1, key.length * factor) });
  return { documentCache: sized<DocumentNode>(12), errorCache: sized<Error>(2), validationCache: true };
}

/**
 * The deadline of one query or mutation: past it the answer is a REQUEST_TIMEOUT error (the work may
 * still finish; mutations are idempotent by key). Subscriptions' streams are not limited.
 */
export function useRequestDeadline(ms: number): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(async (args) => {
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<never>((_resolve, reject) => {
          timer = setTimeout(
            () =>
              reject(
                createGraphQLError(`the request took longer than ${ms} ms`, {
                  extensions: { code: "REQUEST_TIMEOUT", http: { status: 504 } },
                }),
              ),
            ms,
          );
          timer.unref();
        });
        try {
          return await Promise.race([executeFn(args) as Promise<unknown>, deadline]);
        } catch (error) {
          if (error instanceof GraphQLError && error.extensions.code === "REQUEST_TIMEOUT") return { errors: [error] };
          throw error;
        } finally {
          clearTimeout(timer);
        }
      });
    },
  };
}

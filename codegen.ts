import type { CodegenConfig } from "@graphql-codegen/cli";

/**
 * Typed documents for the Mini App's operations, from the committed subgraph SDL. Persisted-document
 * hashes (sha256) go to generated/graphql/persisted-documents.json.
 */
const config: CodegenConfig = {
  schema: "schema/schema.graphql",
  documents: ["schema/operations/**/*.graphql"],
  ignoreNoDocuments: false,
  emitLegacyCommonJSImports: false,
  generates: {
    "generated/graphql/": {
      preset: "client",
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        scalars: { MinorUnits: "number" },
      },
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { mode: "embedHashInDocument", hashAlgorithm: "sha256" },
      },
    },
  },
};

export default config;

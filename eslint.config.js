// ESLint with typescript-eslint's type-checked rules, at zero warnings in `npm test` (`npm run lint`).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["generated/**", "dist/**", "web/dist/**", "node_modules/**", "release/**", "**/*.cjs", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // A leading underscore marks what is left unused on purpose (a destructured field left out, a handler's argument).
      // Capabilities are declared by which methods an adapter has, so methods are read to test their
      // presence, and bound explicitly where they are passed on.
      "@typescript-eslint/unbound-method": "off",
      // Handing an async function to a callback or a JSX handler whose result is ignored is how Node's
      // servers and Preact's events are written; a rejection there is handled inside the function.
      "@typescript-eslint/no-misused-promises": [
        "error",
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      // An AbortSignal's reason is rejected as it is, whatever it is.
      "@typescript-eslint/prefer-promise-reject-errors": [
        "error",
        { allowThrowingAny: true, allowThrowingUnknown: true },
      ],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Tests and benches read GraphQL and simulator answers as parsed JSON, which is `any` by nature; their
    // assertions check its shape. Their fakes implement async ports without awaiting anything. The rest of
    // the type-checked rules hold there as in src.
    files: ["test/**", "bench/**", "**/*.test.ts"],
    rules: {
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-call": "off",
    },
  },
  { files: ["eslint.config.js"], ...tseslint.configs.disableTypeChecked },
);

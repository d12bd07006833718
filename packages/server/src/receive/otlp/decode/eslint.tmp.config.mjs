import tseslint from 'typescript-eslint';
import js from '@eslint/js';
export default tseslint.config(
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  { languageOptions: { parserOptions: { project: ['./packages/server/src/receive/otlp/decode/tsconfig.tmp.json'], tsconfigRootDir: '/work/main' } } },
);

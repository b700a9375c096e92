// ESLint (from the npm registry, pinned in package-lock.json) for the browse page's script.
// The modules in landkit/maps/assets/js share one function scope once combined (see
// landkit/maps/_assets.py page_script), so the combined script is linted as well as each module:
// tests/test_maps_js.py writes it to a temporary file and runs eslint on it with this config.
import js from '@eslint/js';
import globals from 'globals';

const browser = {
  ...globals.browser,
  L: 'readonly',
};

export default [
  js.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: { ecmaVersion: 2017, sourceType: 'script', globals: browser },
    rules: {
      'no-var': 'off',
      eqeqeq: ['error', 'always'],
      'no-implicit-globals': 'error',
      'no-unused-vars': ['error', { args: 'none', caughtErrors: 'none' }],
      'no-shadow-restricted-names': 'error',
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-script-url': 'error',
    },
  },
  {
    // Each module alone is a fragment of the combined scope: names defined in another module are
    // checked on the combined script (linted as landkit/maps/assets/page.js), not here.
    files: ['landkit/maps/assets/js/*.js'],
    rules: { 'no-undef': 'off', 'no-unused-vars': 'off', 'no-implicit-globals': 'off' },
  },
  {
    files: ['tests/js/**/*.mjs'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: globals.node },
  },
];

import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.cache/**',
      '**/*.mjs',
      'eslint.config.js',
      'jest.config.js'
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }]
    }
  },
  {
    // Everything a person reads passes one sink (redaction by value, workflow-command and Markdown escaping,
    // GitHub's size limits): action code neither prints nor writes outputs or summaries itself.
    files: ['src/**'],
    ignores: ['src/report/sink.ts', 'src/inputs.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@actions/core',
              message:
                'print, set outputs and the summary through src/report/sink.ts; read inputs in src/inputs.ts'
            }
          ]
        }
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'stdout', message: 'print through src/report/sink.ts' },
        { object: 'process', property: 'stderr', message: 'print through src/report/sink.ts' }
      ]
    }
  },
  {
    files: ['__tests__/**', 'test/**', 'bench/**', 'scripts/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off'
    }
  }
)

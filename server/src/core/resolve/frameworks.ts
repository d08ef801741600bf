/**
 * Modules that frameworks provide at build time under names that look like npm packages.
 * Each entry is active only when the project declares the framework, so a made-up
 * `@theme/x` in a project without Docusaurus is still looked up.
 */
export interface FrameworkModules {
  framework: string;
  /** Any of these declared activates the entry. */
  detectedBy: string[];
  /** Specifier prefixes the framework resolves itself. */
  prefixes: string[];
}

export const FRAMEWORK_MODULES: FrameworkModules[] = [
  {
    framework: 'Docusaurus',
    detectedBy: ['@docusaurus/core'],
    prefixes: ['@theme/', '@theme-original/', '@theme-init/', '@site/', '@generated/', '@docusaurus/'],
  },
  { framework: 'Ember', detectedBy: ['ember-source'], prefixes: ['@ember/', '@glimmer/'] },
  { framework: 'SvelteKit', detectedBy: ['@sveltejs/kit'], prefixes: ['$app/', '$env/', '$lib', '$service-worker'] },
  { framework: 'Nuxt', detectedBy: ['nuxt'], prefixes: ['#app', '#imports', '#build', '#components'] },
  { framework: 'Expo Router', detectedBy: ['expo-router'], prefixes: ['expo-router/'] },
  // Vite's dev server serves these itself (`import '/@vite/client'`, `@vite/env`).
  { framework: 'Vite', detectedBy: ['vite'], prefixes: ['@vite/'] },
  // Preact's compat layer stands in for React: its presets alias `react` and `react-dom` to `preact/compat`.
  { framework: 'Preact (compat)', detectedBy: ['@preact/preset-vite', '@astrojs/preact', '@preact/compat'], prefixes: ['react/', 'react-dom/'] },
];

export function frameworkPrefixes(declared: (name: string) => boolean): { framework: string; prefix: string }[] {
  return FRAMEWORK_MODULES.filter((f) => f.detectedBy.some(declared)).flatMap((f) => f.prefixes.map((prefix) => ({ framework: f.framework, prefix })));
}

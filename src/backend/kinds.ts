/** Backend names, kept apart from the tfjs import so that config parsing and --help stay fast. */
export const BACKENDS = ['auto', 'gpu', 'native', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

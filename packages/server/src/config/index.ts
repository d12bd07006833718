export { resolveConfig, envNameOf, flagNameOf, CONFIG_KEYS, type ConfigSources, type ConfigResult } from './load-config.js';

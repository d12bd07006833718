export { registerNativeApi, type NativeApiOptions } from './native-routes.js';

export { registerJaegerApi } from './jaeger-routes.js';
export {
  type JaegerValueType,
  type JaegerKeyValue,
  type JaegerReference,
  type JaegerLog,
  type JaegerSpan,
  type JaegerProcess,
  type JaegerTrace,
  type JaegerError,
  type JaegerResponse,
  spansToJaegerTrace,
  toJaegerKeyValue,
} from './jaeger-json.js';

export { decodeTracesProtobuf, decodeLogsProtobuf, decodeMetricsProtobuf } from './decode-protobuf.js';
export { decodeTracesJson, decodeLogsJson, decodeMetricsJson } from './decode-json.js';
export { type DecodeResult, MAX_REJECTION_MESSAGES, MAX_ANY_VALUE_DEPTH } from './decode-result.js';
export { ProtobufReader, malformedProtobuf, makeTag, WIRE_VARINT, WIRE_I64, WIRE_LEN, WIRE_SGROUP, WIRE_EGROUP, WIRE_I32 } from './protobuf-reader.js';

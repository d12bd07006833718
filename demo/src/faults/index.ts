export type { ActiveFaults, FaultsMessage, ReadyMessage } from './active-faults.js';
export {
  BAD_DEPLOY_ERROR_SHARE,
  CARD_TYPES,
  FAULT_DEFINITIONS,
  FAULT_NAMES,
  FaultValueError,
  buildActiveFaults,
  bumpMinorVersion,
  describeFaultSetting,
  isClearingValue,
  parseFaultAssignment,
  parseFaultName,
  parseFaultValue,
} from './fault-definitions.js';
export type { CardType, FaultDefinition, FaultName, FaultSetting } from './fault-definitions.js';
export { formatByteSize, formatDurationMs, parseByteSize, parseDurationMs, parseShare } from './parse-units.js';
